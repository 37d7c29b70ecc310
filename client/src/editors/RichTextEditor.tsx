import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import StarterKit from '@tiptap/starter-kit';
import { createEffect, createSignal, For, type JSX, onCleanup, onMount, Show } from 'solid-js';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import type { PresenceUser } from '../sync/WorkspaceSync.ts';

export type RichTextEditorProps = {
  /** The doc's rich-text fragment (named by the shared model, e.g. the minutes body). */
  fragment: Y.XmlFragment;
  /** Presence of the doc: carets and selections of everyone in it. */
  awareness: Awareness;
  user: PresenceUser;
  isEditable: boolean;
  label: string;
};

/**
 * A toolbar button: its label names it, and it shows a one-letter glyph (`text`) or a line icon
 * (`icon`, SVG path data on a 24 × 24 grid) that only stands for that label.
 */
type Mark = { key: MessageKey; name: string; run: (e: Editor) => void } & (
  | { text: string }
  | { icon: string }
);

const LINES = 'M10 6h11M10 12h11M10 18h11';

const MARKS: Mark[] = [
  { key: 'rich.bold', name: 'bold', text: 'B', run: (e) => e.chain().focus().toggleBold().run() },
  {
    key: 'rich.italic',
    name: 'italic',
    text: 'I',
    run: (e) => e.chain().focus().toggleItalic().run(),
  },
  {
    key: 'rich.heading',
    name: 'heading',
    text: 'H',
    run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run(),
  },
  {
    key: 'rich.bulletList',
    name: 'bulletList',
    // Three dots before three lines.
    icon: `${LINES}M4 6h.01M4 12h.01M4 18h.01`,
    run: (e) => e.chain().focus().toggleBulletList().run(),
  },
  {
    key: 'rich.orderedList',
    name: 'orderedList',
    // A 1 and a 2 before the lines.
    icon: `${LINES}M4 4h1v5M4 9h2M6.5 18H4c0-1.2 2.5-2 2.5-3.2 0-.8-.6-1.3-1.3-1.3-.6 0-1 .3-1.2.8`,
    run: (e) => e.chain().focus().toggleOrderedList().run(),
  },
];

/**
 * Tiptap bound to a Y.XmlFragment, with live carets and selections of the others in the doc.
 * Loaded lazily: it is the largest part of the app and only editors need it.
 */
export default function RichTextEditor(props: RichTextEditorProps): JSX.Element {
  const { t } = useI18n();
  let host!: HTMLDivElement;
  const [editor, setEditor] = createSignal<Editor>();
  const [tick, setTick] = createSignal(0);
  onMount(() => {
    const ed = new Editor({
      element: host,
      editable: props.isEditable,
      extensions: [
        StarterKit.configure({ undoRedo: false }),
        Collaboration.configure({ fragment: props.fragment }),
        CollaborationCaret.configure({
          provider: { awareness: props.awareness },
          user: { ...props.user },
        }),
      ],
      editorProps: {
        attributes: {
          'aria-label': props.label,
          'aria-multiline': 'true',
          role: 'textbox',
          'data-placeholder': t('rich.placeholder'),
        },
      },
    });
    ed.on('transaction', () => setTick((n) => n + 1));
    setEditor(ed);
  });
  createEffect(() => {
    const ed = editor();
    if (ed && ed.isEditable !== props.isEditable) ed.setEditable(props.isEditable);
  });
  onCleanup(() => editor()?.destroy());
  const isActive = (name: string) => {
    tick();
    return editor()?.isActive(name) ?? false;
  };
  return (
    <div class="rich">
      <Show when={props.isEditable}>
        <div class="rich-toolbar" role="toolbar" aria-label={t('rich.toolbar')}>
          <For each={MARKS}>
            {(m) => (
              <button
                type="button"
                title={t(m.key)}
                aria-label={t(m.key)}
                aria-pressed={isActive(m.name)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  const ed = editor();
                  if (ed) m.run(ed);
                }}
              >
                {'icon' in m ? (
                  <svg class="rich-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d={m.icon} />
                  </svg>
                ) : (
                  m.text
                )}
              </button>
            )}
          </For>
        </div>
      </Show>
      <div class="rich-content" ref={host} />
    </div>
  );
}
