import type { MessageKey, Params } from '../i18n/index.ts';

/**
 * Typed errors thrown by the model operations. `code` is stable; `reason` and `params` say
 * what a person should read (`error.<reason>` in the catalogues, I18N-2); `message` is a detail
 * for logs and is never shown to people.
 */
export type DomainErrorCode =
  | 'not-found'
  | 'limit'
  | 'invalid'
  | 'read-only'
  | 'wrong-kind'
  | 'unknown-kind'
  | 'finalised'
  | 'transition';

/** The catalogue keys of errors, without their `error.` prefix. */
export type ErrorReason = MessageKey extends infer K
  ? K extends `error.${infer R}`
    ? R
    : never
  : never;

/** What a person reads for an error of a code when the thrower named no reason. */
const REASON_OF_CODE: Record<DomainErrorCode, ErrorReason> = {
  'not-found': 'notFound',
  limit: 'limit',
  invalid: 'invalid',
  'read-only': 'readOnlyDoc',
  'wrong-kind': 'wrongKind',
  'unknown-kind': 'unknownKind',
  finalised: 'finalised',
  transition: 'transition',
};

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly reason: ErrorReason;
  readonly params: Params;
  constructor(code: DomainErrorCode, detail: string, reason?: ErrorReason, params: Params = {}) {
    super(detail);
    this.name = 'DomainError';
    this.code = code;
    this.reason = reason ?? REASON_OF_CODE[code];
    this.params = params;
  }
}

/** The doc was written by a newer version of the app: it may be read but not changed (DOC-3). */
export class ReadOnlyDocError extends DomainError {
  readonly docVersion: number;
  readonly appVersion: number;
  constructor(docVersion: number, appVersion: number, kind: string) {
    super(
      'read-only',
      `This ${kind} was saved by a newer version of the app (schema ${docVersion}, this app knows ${appVersion}). ` +
        'It is shown read-only so that it is not damaged; update the app to edit it.',
      'readOnlyDoc',
      { docVersion, appVersion },
    );
    this.name = 'ReadOnlyDocError';
    this.docVersion = docVersion;
    this.appVersion = appVersion;
  }
}

/** Finalised minutes are an official record: reopen them before changing anything (MIN-6). */
export class FinalisedError extends DomainError {
  constructor() {
    super(
      'finalised',
      'These minutes are finalised; reopen them before making changes.',
      'finalised',
    );
    this.name = 'FinalisedError';
  }
}
