import { isDrawableCaret, type MessageKey } from '@grassroots/shared';
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import StarterKit from '@tiptap/starter-kit';
import { yCursorPlugin, yCursorPluginKey } from '@tiptap/y-tiptap';
import { createEffect, createSignal, For, type JSX, onCleanup, onMount, Show } from 'solid-js';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { useComments } from '../comments/CommentsContext.tsx';
import {
  anchorOfSelection,
  CommentAnchors,
  commentAnchorsKey,
  type PassageAnchor,
} from '../comments/passageAnchors.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { PresenceUser } from '../sync/WorkspaceSync.ts';
import { AutoDirection } from './autoDirection.ts';
import { keepingSelection } from './keepSelection.ts';
import { type EditorCopy, makeEditorCopy } from './makeEditorCopy.ts';

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
 * Tiptap's carets of the others. The editor edits its own copy of the doc (IME-1), whose client
 * id is not the one presence is published under, so the caret plugin is told which presence is
 * this editor's: by default it would draw our own caret with our name on it.
 */
const OthersCarets = CollaborationCaret.extend({
  addProseMirrorPlugins() {
    const { awareness } = this.options.provider as { awareness: Awareness };
    const { render, selectionRender } = this.options;
    return (this.parent?.() ?? []).map((plugin) =>
      plugin.spec.key === yCursorPluginKey
        ? yCursorPlugin(awareness, {
            // AW-6: another device's state is drawn only when it is a person with a readable
            // caret; a malformed one threw in the caret plugin and stopped this editor saving.
            awarenessStateFilter: (_editorClient: number, client: number, state: unknown) =>
              client !== awareness.clientID && isDrawableCaret(state),
            cursorBuilder: (user: { name: string; color: string }) => render(user),
            selectionBuilder: (user: { name: string; color: string }) => selectionRender(user),
          })
        : plugin,
    );
  },
});

/**
 * After `compositionend`, ProseMirror reads the committed text in a microtask: what the gate held
 * follows it, a task later.
 */
const afterCompositionEnd = (run: () => void) => setTimeout(run, 0);

/**
 * Tiptap bound to a Y.XmlFragment, with live carets and selections of the others in the doc.
 * Loaded lazily: it is the largest part of the app and only editors need it.
 */
export default function RichTextEditor(props: RichTextEditorProps): JSX.Element {
  const { t } = useI18n();
  let host!: HTMLDivElement;
  const [editor, setEditor] = createSignal<Editor>();
  const [tick, setTick] = createSignal(0);
  let copy: EditorCopy | undefined;
  const comments = useComments();
  // Passages are anchored in a root fragment, named in the comment.
  const field = (() => {
    for (const [name, type] of props.fragment.doc?.share ?? []) {
      if ((type as unknown) === props.fragment) return name;
    }
    return null;
  })();
  let anchors: PassageAnchor[] = [];
  createEffect(() => {
    anchors =
      comments
        ?.threads()
        .flatMap(({ root }) =>
          root.target.kind === 'passage' && root.target.field === field && !root.resolved
            ? [{ id: root.id, start: root.target.start, end: root.target.end }]
            : [],
        ) ?? [];
    const view = editor()?.view;
    if (view) view.dispatch(view.state.tr.setMeta(commentAnchorsKey, true));
  });
  const [hasSelection, setHasSelection] = createSignal(false);
  const onSelectionChange = () => {
    const sel = document.getSelection();
    setHasSelection(
      sel !== null &&
        !sel.isCollapsed &&
        host.contains(sel.anchorNode) &&
        host.contains(sel.focusNode),
    );
  };
  document.addEventListener('selectionchange', onSelectionChange);
  onCleanup(() => document.removeEventListener('selectionchange', onSelectionChange));
  /** Points the comment form at the selected words (read-only editors too: viewers comment). */
  const commentOnSelection = () => {
    const view = editor()?.view;
    const sel = document.getSelection();
    if (!view || !comments || field === null || !sel || sel.rangeCount === 0) return;
    const range = sel.getRangeAt(0);
    const a = view.posAtDOM(range.startContainer, range.startOffset);
    const b = view.posAtDOM(range.endContainer, range.endOffset);
    const anchor = anchorOfSelection(view.state, Math.min(a, b), Math.max(a, b));
    if (!anchor) return;
    comments.startOn({
      target: { kind: 'passage', field, ...anchor },
      label: t('cmt.aboutPassage', { quote: anchor.quote }),
    });
  };
  onMount(() => {
    let view: Editor['view'] | undefined;
    // Changes of the others wait while an input method composes here (IME-1), and leave the
    // caret after the character it followed (TYPE-2).
    copy = makeEditorCopy(
      props.fragment,
      { isComposing: () => view?.composing ?? false },
      (apply) => (view ? keepingSelection(view, apply) : apply()),
    );
    const gate = copy.gate;
    const ed = new Editor({
      element: host,
      editable: props.isEditable,
      extensions: [
        StarterKit.configure({ undoRedo: false }),
        Collaboration.configure({ fragment: copy.fragment }),
        OthersCarets.configure({
          provider: { awareness: props.awareness },
          user: { ...props.user },
        }),
        AutoDirection,
        CommentAnchors.configure({ anchors: () => anchors }),
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
    view = ed.view;
    const onComposing = () => gate.noteComposing();
    view.dom.addEventListener('compositionstart', onComposing);
    view.dom.addEventListener('compositionupdate', onComposing);
    view.dom.addEventListener('compositionend', () => afterCompositionEnd(gate.settle));
    setEditor(ed);
  });
  createEffect(() => {
    const ed = editor();
    if (ed && ed.isEditable !== props.isEditable) ed.setEditable(props.isEditable);
  });
  onCleanup(() => {
    editor()?.destroy();
    copy?.cleanup();
  });
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
                dir="ltr"
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
      <Show when={comments && field !== null && hasSelection()}>
        <button
          type="button"
          class="btn small comment-passage-btn no-print"
          onMouseDown={(e) => e.preventDefault()}
          onClick={commentOnSelection}
        >
          {t('cmt.onPassage')}
        </button>
      </Show>
    </div>
  );
}
