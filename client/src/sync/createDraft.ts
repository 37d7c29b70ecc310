import { createSignal } from 'solid-js';

/** The fields of a form: every value is the text of one input, select or date. */
export type DraftFields = Record<string, string>;

const PREFIX = 'grassroots-draft:';

/** The storage key of one form's draft: per workspace, doc and form (and entry, for replies). */
export function draftKey(workspaceId: string, docId: string, form: string): string {
  return `${PREFIX}${workspaceId}:${docId}:${form}`;
}

/**
 * Reads a draft: the stored fields that are strings and belong to the form, the initial value
 * for the rest. Anything unreadable (another version's, edited by hand, a refused storage) reads
 * as the initial form, never an error.
 */
export function readDraft<T extends DraftFields>(
  storage: Storage | null,
  key: string,
  initial: T,
): T {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(key) ?? null;
  } catch {
    return { ...initial };
  }
  if (raw === null) return { ...initial };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ...initial };
  }
  const out: DraftFields = { ...initial };
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    for (const field of Object.keys(initial)) {
      const v = (parsed as Record<string, unknown>)[field];
      if (typeof v === 'string' && v.length <= 100_000) out[field] = v;
    }
  }
  return out as T;
}

/**
 * Writes a draft, or removes it when every field is back to its initial value. A full or
 * refused storage only means the draft is not kept.
 */
export function writeDraft<T extends DraftFields>(
  storage: Storage | null,
  key: string,
  fields: T,
  initial: T,
): void {
  try {
    const isEmpty = Object.keys(initial).every((f) => fields[f] === initial[f]);
    if (isEmpty) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(fields));
  } catch {
    // Not kept: the form itself still works.
  }
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** True when a draft is kept on the device under this key (a form to show again at once). */
export function hasDraft(key: string): boolean {
  try {
    return browserStorage()?.getItem(key) != null;
  } catch {
    return false;
  }
}

export type Draft<T extends DraftFields> = {
  /** One field's text (reactive). */
  get: <K extends keyof T & string>(field: K) => T[K];
  /** Sets one field and keeps the draft on the device at once. */
  set: <K extends keyof T & string>(field: K, value: T[K]) => void;
  /** True when some field differs from the empty form. */
  hasContent: () => boolean;
  /** Back to the empty form, and the kept draft removed (after the form was submitted). */
  clear: () => void;
};

/**
 * A half-typed "new …" form kept on the device (LOCAL-5): restored when the form is shown again
 * (after a reload, or when the tab was dropped), removed when it is submitted or emptied.
 */
export function createDraft<T extends DraftFields>(key: string, initial: T): Draft<T> {
  const storage = browserStorage();
  const [fields, setFields] = createSignal<T>(readDraft(storage, key, initial));
  return {
    get: (field) => fields()[field],
    set: (field, value) => {
      const next = { ...fields(), [field]: value };
      setFields(() => next);
      writeDraft(storage, key, next, initial);
    },
    hasContent: () => Object.keys(initial).some((f) => fields()[f] !== initial[f]),
    clear: () => {
      setFields(() => ({ ...initial }));
      try {
        storage?.removeItem(key);
      } catch {
        // Nothing kept to remove.
      }
    },
  };
}
