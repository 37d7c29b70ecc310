import { createEffect, createSignal, For, type JSX, Show, splitProps } from 'solid-js';

type TextInputProps = {
  label: string;
  value: string;
  /** Called with the new text on each edit (not during IME composition). */
  onCommit: (value: string) => void;
  isReadOnly?: boolean;
  isMultiline?: boolean;
  maxLength?: number;
  placeholder?: string;
  class?: string;
  name?: string;
  hideLabel?: boolean;
};

/**
 * A text field bound to a projected value. Edits go out as they are typed (after IME composition
 * ends, so pinyin never lands in the doc); edits from others come in without moving the caret.
 */
export function TextInput(props: TextInputProps): JSX.Element {
  let el: HTMLInputElement | HTMLTextAreaElement | undefined;
  let isComposing = false;
  createEffect(() => {
    const v = props.value;
    if (!el || isComposing || el.value === v) return;
    const isFocused = document.activeElement === el;
    const start = el.selectionStart;
    const end = el.selectionEnd;
    el.value = v;
    if (isFocused && start !== null && end !== null) el.setSelectionRange(start, end);
  });
  const commit = (e: Event) => {
    if (isComposing || (e as InputEvent).isComposing) return;
    const target = e.currentTarget as HTMLInputElement;
    props.onCommit(target.value);
  };
  const common = {
    name: props.name,
    get readOnly() {
      return props.isReadOnly;
    },
    get maxLength() {
      return props.maxLength;
    },
    get placeholder() {
      return props.placeholder;
    },
    onInput: commit,
    onCompositionStart: () => {
      isComposing = true;
    },
    onCompositionEnd: (e: CompositionEvent) => {
      isComposing = false;
      props.onCommit((e.currentTarget as HTMLInputElement).value);
    },
  };
  return (
    <label class={`field ${props.class ?? ''}`}>
      <span classList={{ 'sr-only': props.hideLabel }}>{props.label}</span>
      <Show
        when={props.isMultiline}
        fallback={
          <input
            {...common}
            ref={(r) => {
              el = r;
              r.value = props.value;
            }}
          />
        }
      >
        <textarea
          {...common}
          ref={(r) => {
            el = r;
            r.value = props.value;
          }}
        />
      </Show>
    </label>
  );
}

type Option = { value: string; label: string };

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
      <select
        name={props.name}
        disabled={props.isReadOnly}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          )}
        </For>
      </select>
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
}): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'class']);
  return (
    <label class={`field ${local.class ?? ''}`}>
      <span>{local.label}</span>
      <input
        type={rest.type ?? 'date'}
        name={rest.name}
        readOnly={rest.isReadOnly}
        value={rest.value ?? ''}
        onChange={(e) => rest.onChange(e.currentTarget.value || null)}
      />
    </label>
  );
}

/** Runs a model operation and keeps its error (limits, finalised records…) for display. */
export function createOpRunner(): {
  run: (fn: () => void) => void;
  error: () => string | null;
  clear: () => void;
} {
  const [error, setError] = createSignal<string | null>(null);
  return {
    run: (fn) => {
      try {
        fn();
        setError(null);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    error,
    clear: () => setError(null),
  };
}
