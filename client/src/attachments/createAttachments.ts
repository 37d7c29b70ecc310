import { ATTACHMENTS_ROOT, type Attachment, readAttachments } from '@grassroots/shared';
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import type * as Y from 'yjs';

/** The attachments of one target of a doc, kept in step with the doc (ATT-3). */
export function createAttachments(doc: Y.Doc, target: () => string | null): Accessor<Attachment[]> {
  const [version, setVersion] = createSignal(0);
  const root = doc.getMap(ATTACHMENTS_ROOT);
  const onChange = () => setVersion((n) => n + 1);
  root.observe(onChange);
  onCleanup(() => root.unobserve(onChange));
  return () => {
    version();
    return readAttachments(doc, target());
  };
}
