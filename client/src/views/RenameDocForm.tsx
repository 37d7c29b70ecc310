import { createSignal, type JSX, onMount, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { DocKind } from '../model/domain.ts';
import { renameDocument } from '../model/workspaceModel.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * Renames a document in place (its own title and its list title together), from the list or the
 * document's header. Enter saves, Escape cancels.
 */
export function RenameDocForm(props: {
  entry: { id: string; kind: DocKind; title: string };
  onDone: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const [title, setTitle] = createSignal(props.entry.title);
  const [error, setError] = createSignal<string | null>(null);
  let input!: HTMLInputElement;
  onMount(() => {
    input.focus();
    input.select();
  });
  const save = (e: Event) => {
    e.preventDefault();
    const next = title().trim();
    if (next === props.entry.title) return props.onDone();
    const refusal = renameDocument(ws.sync, props.entry, next);
    if (refusal === null) return props.onDone();
    setError(t(refusal === 'notOnDevice' ? 'docs.renameNotHere' : 'docs.renameRefused'));
  };
  return (
    <form class="rename-form" onSubmit={save}>
      <label class="field">
        <span>{t('docs.newTitle')}</span>
        <input
          dir="auto"
          ref={input}
          value={title()}
          maxLength={200}
          required
          onInput={(e) => setTitle(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onDone();
          }}
        />
      </label>
      <div class="btn-row">
        <button type="submit" class="btn small primary">
          {t('common.save')}
        </button>
        <button type="button" class="btn small" onClick={() => props.onDone()}>
          {t('common.cancel')}
        </button>
      </div>
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}
