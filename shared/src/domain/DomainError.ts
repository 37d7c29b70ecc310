/** Typed errors thrown by the model operations. `code` is stable; `message` is for logs. */
export type DomainErrorCode =
  | 'not-found'
  | 'limit'
  | 'invalid'
  | 'read-only'
  | 'wrong-kind'
  | 'unknown-kind'
  | 'finalised'
  | 'transition';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(code: DomainErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
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
    );
    this.name = 'ReadOnlyDocError';
    this.docVersion = docVersion;
    this.appVersion = appVersion;
  }
}

/** Finalised minutes are an official record: reopen them before changing anything (MIN-6). */
export class FinalisedError extends DomainError {
  constructor() {
    super('finalised', 'These minutes are finalised; reopen them before making changes.');
    this.name = 'FinalisedError';
  }
}
