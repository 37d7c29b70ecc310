import { createEffect, createSignal, For, type JSX, Show, splitProps } from 'solid-js';
import { Portal } from 'solid-js/web';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { type FieldBinding, makeFieldBinding } from './makeFieldBinding.ts';

type TextInputProps = {
  label: string;
  value: string;
  /** Called with the new text on each edit (not during IME composition). */
  onCommit: (value: string) => void;
  isReadOnly?: boolean;
  isMultiline?: boolean;
  /**
   * The model's limit for this field (`Limits`): the field refuses more as it is typed, shows
   * its count near the limit and says so when a paste or a word did not fit.
   */
  maxLength?: number;
  placeholder?: string;
  class?: string;
  name?: string;
  hideLabel?: boolean;
  /** A `<datalist>` id offering choices (e.g. the roster's names). */
  list?: string;
  /** A class for the input itself (the `class` goes on its label). */
  inputClass?: string;
  /**
   * How the model stores what is typed (e.g. trimmed): the field is not rewritten while its text
   * stores as the value it shows, so a space typed between two words stays; default as typed.
   */
  normalize?: (value: string) => string;
};

/** Show the count from this share of the limit on ("185/200"). */
const COUNT_FROM = 0.8;

/**
 * A text field bound to a projected value. Edits go out as they are typed (after IME composition
 * ends, so pinyin never lands in the doc); edits from others come in with the caret kept where this
 * person types (`makeFieldBinding`, TYPE-1).
 */
export function TextInput(props: TextInputProps): JSX.Element {
  const { t } = useI18n();
  let el: HTMLInputElement | HTMLTextAreaElement | undefined;
  let binding: FieldBinding | undefined;
  const [length, setLength] = createSignal(props.value.length);
  /** How many characters the last edit could not fit (0: it fitted). */
  const [overflow, setOverflow] = createSignal(0);
  const bind = (r: HTMLInputElement | HTMLTextAreaElement) => {
    el = r;
    r.value = props.value;
    binding = makeFieldBinding(r, {
      commit: (v) => props.onCommit(v),
      hasFocus: () => document.activeElement === r,
      normalize: (v) => (props.normalize ? props.normalize(v) : v),
    });
  };
  createEffect(() => {
    const v = props.value;
    if (!el || !binding) return;
    binding.show(v);
    setLength(el.value.length);
  });
  const commit = (e: Event) => {
    const target = e.currentTarget as HTMLInputElement;
    setLength(target.value.length);
    if ((e as InputEvent).isComposing) return;
    binding?.input();
  };
  /** Notes what the browser's `maxLength` is about to cut from a paste or a typed word. */
  const onBeforeInput = (e: InputEvent) => {
    const max = props.maxLength;
    const target = e.currentTarget as HTMLInputElement;
    if (max === undefined || !e.inputType.startsWith('insert')) return;
    const data = e.data ?? e.dataTransfer?.getData('text/plain') ?? '';
    const selected = (target.selectionEnd ?? 0) - (target.selectionStart ?? 0);
    setOverflow(Math.max(0, target.value.length - selected + data.length - max));
  };
  const showCount = () =>
    props.maxLength !== undefined &&
    !props.isReadOnly &&
    length() >= Math.floor(props.maxLength * COUNT_FROM);
  const common = {
    name: props.name,
    class: props.inputClass,
    get readOnly() {
      return props.isReadOnly;
    },
    get maxLength() {
      return props.maxLength;
    },
    get placeholder() {
      return props.placeholder;
    },
    onBeforeInput,
    onInput: commit,
    onCompositionStart: () => binding?.compositionStart(),
    onCompositionEnd: () => {
      binding?.compositionEnd();
      setLength(el?.value.length ?? 0);
    },
    onBlur: () => setOverflow(0),
  };
  return (
    <label class={`field ${props.class ?? ''}`}>
      <span classList={{ 'sr-only': props.hideLabel }}>{props.label}</span>
      {/* A field nobody here may change shows all of its text, wrapped: as a one-line input a
          finalised record's long agenda item or a past version's task was cut at the box's edge,
          with no way to read the rest. */}
      <Show
        when={props.isMultiline || props.isReadOnly}
        fallback={<input dir="auto" {...common} list={props.list} ref={bind} />}
      >
        <textarea
          dir="auto"
          rows={props.isMultiline ? undefined : 1}
          {...common}
          class={props.isMultiline ? props.inputClass : `${props.inputClass ?? ''} read-only-line`}
          ref={bind}
        />
      </Show>
      <Show when={showCount() || overflow() > 0}>
        <small
          class="field-count"
          classList={{ 'is-full': length() >= (props.maxLength ?? Number.POSITIVE_INFINITY) }}
          aria-live="polite"
        >
          {t('field.count', { n: length(), max: props.maxLength ?? 0 })}
        </small>
      </Show>
      <Show when={overflow() > 0}>
        <small class="field-overflow" role="alert">
          {t('field.overLimit', { max: props.maxLength ?? 0, n: overflow() })}
        </small>
      </Show>
    </label>
  );
}

type Option = { value: string; label: string };

/**
 * A `<select>` that always shows the value it is given. A browser keeps the option a person
 * picked on screen whatever the record then holds, and Solid sets the value again only when it
 * changes: a row reused for another item (a list re-sorted by the pick, the projection merging
 * rows by position) or a pick the model refused would keep showing a choice the record does not
 * hold. So after each pick, once the projection had its say (it is updated a microtask after
 * the doc), the select is put back to `value` when they differ.
 */
export function Select(props: {
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  disabled?: boolean;
  name?: string;
  class?: string;
  'aria-label'?: string;
}): JSX.Element {
  let el: HTMLSelectElement | undefined;
  const showValue = () => {
    if (el && el.value !== props.value) el.value = props.value;
  };
  createEffect(showValue);
  return (
    <select
      ref={el}
      name={props.name}
      class={props.class}
      aria-label={props['aria-label']}
      disabled={props.disabled}
      value={props.value}
      onChange={(e) => {
        props.onChange(e.currentTarget.value);
        queueMicrotask(showValue);
      }}
    >
      <For each={props.options}>
        {(o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        )}
      </For>
    </select>
  );
}

export function SelectInput(props: {
  label: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  isReadOnly?: boolean;
  class?: string;
  name?: string;
}): JSX.Element {
  return (
    <label class={`field ${props.class ?? ''}`}>
      <span>{props.label}</span>
      <Select
        name={props.name}
        disabled={props.isReadOnly}
        value={props.value}
        options={props.options}
        onChange={(v) => props.onChange(v)}
      />
    </label>
  );
}

/** A calendar-day field (`YYYY-MM-DD`); empty means none. */
export function DateInput(props: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  isReadOnly?: boolean;
  class?: string;
  type?: 'date' | 'datetime-local';
  name?: string;
  /** The latest day the picker offers (a form still checks it: typed days are not limited). */
  max?: string;
  /** The id of the message that says what is wrong with the value, while something is. */
  errorId?: string | null;
}): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'class']);
  return (
    <Show
      when={!rest.isReadOnly}
      fallback={
        // Read only, the day is text in the app's own form (2025-03-20 09:30), not a field drawn
        // in the browser's (03/20/2025, 09:30 AM in an English browser).
        <div class={`field ${local.class ?? ''}`}>
          <span>{local.label}</span>
          <output name={rest.name} class="field-text">
            <bdi dir="ltr">{rest.value === null ? '—' : rest.value.replace('T', ' ')}</bdi>
          </output>
        </div>
      }
    >
      <label class={`field ${local.class ?? ''}`}>
        <span>{local.label}</span>
        <input
          type={rest.type ?? 'date'}
          name={rest.name}
          max={rest.max}
          aria-invalid={rest.errorId ? true : undefined}
          aria-describedby={rest.errorId ?? undefined}
          value={rest.value ?? ''}
          onChange={(e) => {
            const input = e.currentTarget;
            rest.onChange(input.value || null);
          }}
          onBlur={(e) => {
            // A refused day (an end before its start) is not kept on screen as if saved: once the
            // field is left it shows what the doc holds, beside the reason. Not while typing: a
            // year typed digit by digit passes through days that are refused ('0002-12-04').
            const input = e.currentTarget;
            if (input.value !== (rest.value ?? '')) input.value = rest.value ?? '';
          }}
        />
      </label>
    </Show>
  );
}

/** A failed model operation: the error and the control that was in use when it failed. */
type Failure = { error: unknown; anchor: HTMLElement | null };

export type OpRunner = {
  run: (fn: () => void) => boolean;
  /** The error, in the reader's language, or null. */
  error: () => string | null;
  /** The control that caused the error, when one had focus. */
  anchor: () => HTMLElement | null;
  clear: () => void;
};

/**
 * Runs a model operation and keeps its error (limits, finalised records…) for display; `run`
 * says whether it worked, so a form is emptied only when what it held was saved. The error is a
 * code with parameters (I18N-2), put into words in the current locale by `<OpError>`, which shows
 * it next to the control that caused it.
 */
export function createOpRunner(): OpRunner {
  const { errorText } = useI18n();
  const [failure, setFailure] = createSignal<Failure | null>(null);
  return {
    run: (fn) => {
      const active = typeof document === 'undefined' ? null : document.activeElement;
      try {
        fn();
        setFailure(null);
        return true;
      } catch (error) {
        const anchor = active instanceof HTMLElement && active !== document.body ? active : null;
        setFailure({ error, anchor });
        return false;
      }
    },
    error: () => {
      const f = failure();
      return f ? errorText(f.error) : null;
    },
    anchor: () => failure()?.anchor ?? null,
    clear: () => setFailure(null),
  };
}

/** Where an error note goes: the smallest block around the control that caused it. */
function noteHost(anchor: HTMLElement): HTMLElement | null {
  if (!anchor.isConnected) return null;
  let host =
    anchor.closest<HTMLElement>('li, .row, .field, fieldset, form') ?? anchor.parentElement;
  // A note is a block: never inside a label, a paragraph or a button.
  while (host?.matches('label, p, button, span, summary')) host = host.parentElement;
  return host;
}

/**
 * The error of an op runner, next to the control that caused it (visible without scrolling on a
 * phone), or here when no control had focus. Announced to screen readers.
 */
export function OpError(props: { op: OpRunner; class?: string }): JSX.Element {
  const { t } = useI18n();
  const note = (message: string) => (
    <p class={`error op-error ${props.class ?? ''}`} role="alert">
      {t('common.error', { message })}
    </p>
  );
  const host = () => {
    const anchor = props.op.anchor();
    return anchor ? noteHost(anchor) : null;
  };
  return (
    <Show when={props.op.error()}>
      {(message) => (
        <Show when={host()} fallback={note(message())}>
          {(mount) => (
            <Portal
              mount={mount()}
              ref={(el: HTMLDivElement) => {
                // The portal's own box is the row's item: it takes a full row of its own.
                el.className = 'op-error-at';
                queueMicrotask(() => el.scrollIntoView?.({ block: 'nearest' }));
              }}
            >
              {note(message())}
            </Portal>
          )}
        </Show>
      )}
    </Show>
  );
}
