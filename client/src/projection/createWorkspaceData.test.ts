import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { IndexData } from '../model/domain.ts';
import { countMinutesNotHere, type DocPresence } from './createWorkspaceData.ts';

const entry = (id: string, kind: string, archived = false) => ({
  id,
  kind,
  title: id,
  createdAt: 0,
  archived,
});

describe('minutes not on this device yet (the overview tells no meeting as missed before)', () => {
  it('counts listed minutes never acknowledged and empty; not those written here, synced once, archived or of another kind', () => {
    const index = {
      docs: [
        entry('m-unseen', 'minutes'),
        entry('m-opening', 'minutes'),
        entry('m-written-here', 'minutes'),
        entry('m-synced', 'minutes'),
        entry('m-archived', 'minutes', true),
        entry('plan', 'plan'),
      ],
    } as unknown as IndexData;
    const written = new Y.Doc();
    written.getMap('minutes').set('title', '支部委员会');
    const docs = new Map<string, DocPresence>([
      // Being synced for the first time: built, but nothing arrived yet.
      ['m-opening', { hasAck: false, doc: new Y.Doc() }],
      ['m-written-here', { hasAck: false, doc: written }],
      // Synced once (empty as it may be): what the server had is here.
      ['m-synced', { hasAck: true, doc: new Y.Doc() }],
    ]);
    expect(countMinutesNotHere(index, (id) => docs.get(id))).toBe(2);
    docs.set('m-unseen', { hasAck: true, doc: new Y.Doc() });
    docs.set('m-opening', { hasAck: true, doc: new Y.Doc() });
    expect(countMinutesNotHere(index, (id) => docs.get(id))).toBe(0);
  });
});
