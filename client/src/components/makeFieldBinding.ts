import { simpleDiffString, simpleDiffStringWithCursor } from 'lib0/diff';

/** The part of an `<input>` or `<textarea>` the binding reads and writes. */
export type FieldElement = {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  setSelectionRange(start: number, end: number): void;
};

/** Options of `makeFieldBinding`. */
export type FieldBindingOptions = {
  /** Saves the field's whole text through the model's operation (it diffs it into its Y.Text). */
  commit: (value: string) => void;
  /** True while the field has focus: only then is its caret put back after a remote change. */
  hasFocus: () => boolean;
  /**
   * How the model stores what is typed (e.g. trimmed): a field whose text stores as the model's
   * value is left as it is; default as typed.
   */
  normalize?: (value: string) => string;
};

export type FieldBinding = {
  /** Call with the model's value each time it changes (the projection's value). */
  show(value: string): void;
  /** Call on each `input` event: saves what was typed, unless a composition is under way. */
  input(): void;
  /** Call on `compositionstart`: the model's changes wait until the composition ended. */
  compositionStart(): void;
  /** Call on `compositionend`: saves the committed text on top of what arrived meanwhile. */
  compositionEnd(): void;
  /** True between `compositionstart` and `compositionend`. */
  readonly isComposing: boolean;
};

/** One replacement in a string: `remove` characters at `index`, then `insert` there. */
type Splice = { index: number; remove: number; insert: string };

/**
 * Where a position of a string goes when `splice` is applied to it. A position at the splice's
 * start stays before the inserted text: text another person inserts right at the caret goes
 * after it, so what is typed next follows what this person typed before.
 */
function mapThrough(position: number, splice: Splice): number {
  if (position <= splice.index) return position;
  if (position >= splice.index + splice.remove) {
    return position - splice.remove + splice.insert.length;
  }
  return splice.index;
}

/**
 * A plain text field bound to a Y.Text through the model's string operations (TYPE-1). Every
 * edit is saved as typed; the model's changes are shown at once with the caret (and selection)
 * moved along with the text around it, so what this person types next lands right after what they
 * typed before, wherever another person types in the same field. While an input method composes,
 * the model's changes wait (rewriting the field under a composition breaks it), and the committed
 * text is then laid on top of them, so nothing the others typed meanwhile is overwritten.
 */
export function makeFieldBinding(el: FieldElement, options: FieldBindingOptions): FieldBinding {
  const normalize = options.normalize ?? ((v: string) => v);
  let isComposing = false;
  /** The model's latest value. */
  let latest = el.value;
  /** The field's text when the composition started, and the model's value then. */
  let base = el.value;
  let latestAtStart = el.value;

  const show = (value: string) => {
    latest = value;
    if (isComposing || el.value === value || normalize(el.value) === value) return;
    const change = simpleDiffString(el.value, value);
    const start = el.selectionStart;
    const end = el.selectionEnd;
    el.value = value;
    if (options.hasFocus() && start !== null && end !== null) {
      el.setSelectionRange(mapThrough(start, change), mapThrough(end, change));
    }
  };

  const compositionEnd = () => {
    isComposing = false;
    if (latest === latestAtStart) {
      options.commit(el.value);
      return;
    }
    // Others changed the field while this person composed: put the composed edit where its
    // place went in their text.
    const caret = el.selectionEnd ?? el.value.length;
    const mine = simpleDiffStringWithCursor(base, el.value, caret);
    const theirs = simpleDiffString(base, latest);
    const from = mapThrough(mine.index, theirs);
    const to = Math.max(from, mapThrough(mine.index + mine.remove, theirs));
    const value = latest.slice(0, from) + mine.insert + latest.slice(to);
    el.value = value;
    const at = from + mine.insert.length;
    if (options.hasFocus()) el.setSelectionRange(at, at);
    options.commit(value);
  };

  return {
    show,
    input() {
      if (!isComposing) options.commit(el.value);
    },
    compositionStart() {
      if (isComposing) return;
      isComposing = true;
      base = el.value;
      latestAtStart = latest;
    },
    compositionEnd,
    get isComposing() {
      return isComposing;
    },
  };
}
