/**
 * The one place the client takes the domain model from; views import from here.
 *
 * Temporary: `@grassroots/shared`'s index.ts does not export the domain modules yet, so this
 * adapter re-exports them from their source files. When the face exports them, replace the lines
 * below with named imports from '@grassroots/shared' (no view changes needed).
 */

export * from '../../../shared/src/domain/cadence.ts';
export { createDoc } from '../../../shared/src/domain/doc.ts';
export * from '../../../shared/src/domain/feedback.ts';
export { newId } from '../../../shared/src/domain/ids.ts';
export * from '../../../shared/src/domain/index-doc.ts';
export * from '../../../shared/src/domain/labels.ts';
export * from '../../../shared/src/domain/minutes.ts';
export * from '../../../shared/src/domain/plan.ts';
export * from '../../../shared/src/domain/schema.ts';
export * from '../../../shared/src/domain/time.ts';
