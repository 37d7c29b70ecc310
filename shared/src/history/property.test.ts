/**
 * Property tests of comparison, counts and member reverts (HIST-5, HIST-6, HIST-9): several
 * members edit a rich-text body, a short Y.Text and map fields on their own docs, sync through a
 * "server" that stores rows (authorId, update) in delivery order, and every pair of stored
 * versions is compared. The expected answer comes from the test's own bookkeeping: who owns which
 * client id, who first delivered which deletion, and the characters a fresh replay shows.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  Attribution,
  countTextChanges,
  diffText,
  replay,
  revertMemberUpdate,
  type TextSegment,
} from './index.ts';

/** mulberry32: a small seeded PRNG, so a failing seed can be run again. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

const CHARS = '会议决定修建水渠村道党员代表表决通过abcXYZ';
const MEMBERS = ['张三', '李四', '王五'] as const;
const FIELDS = ['place', 'chair', 'type'] as const;
const REMOTE = 'remote';

type Row = { authorId: string; update: Uint8Array };
type CharId = string;
const idOf = (client: number, clock: number): CharId => `${client}:${clock}`;

/** The characters a doc shows, with their ids, read from its live items (not from snapshots). */
function visibleChars(
  type: Y.XmlFragment | Y.Text,
): { id: CharId; ch: string; paragraph: CharId | null }[] {
  const out: { id: CharId; ch: string; paragraph: CharId | null }[] = [];
  let paragraph: CharId | null = null;
  const text = (t: Y.Text | Y.XmlText) => {
    for (let item = t._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
      const str = item.content.str;
      for (let i = 0; i < str.length; i++)
        out.push({ id: idOf(item.id.client, item.id.clock + i), ch: str[i]!, paragraph });
    }
  };
  const walk = (parent: Y.XmlFragment | Y.XmlElement) => {
    for (let item = parent._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      if (child instanceof Y.XmlText) text(child);
      else if (child instanceof Y.XmlElement) {
        paragraph = idOf(item.id.client, item.id.clock);
        walk(child);
        paragraph = null;
      }
    }
  };
  if (type instanceof Y.Text) text(type);
  else walk(type);
  return out;
}

type World = {
  rows: Row[];
  /** Client id → member, from the docs the members edit on. */
  ownerOf: Map<number, string>;
  /** Character id → the member whose row first delivered its deletion. */
  deleterOf: Map<CharId, string>;
  /** Per field, the member and row index of each value set, in delivery order. */
  fieldSets: { field: string; value: string; authorId: string; row: number }[];
};

/** Members editing and syncing at random; returns what the server stored and the bookkeeping. */
function simulate(seed: number, steps: number): World {
  const r = prng(seed);
  const server = new Y.Doc({ gc: false });
  const world: World = { rows: [], ownerOf: new Map(), deleterOf: new Map(), fieldSets: [] };
  const members = MEMBERS.map((name) => {
    const doc = new Y.Doc();
    world.ownerOf.set(doc.clientID, name);
    const pending: Uint8Array[] = [];
    const deleted = new Set<CharId>();
    const sets: { field: string; value: string }[] = [];
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) pending.push(update);
    });
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === REMOTE) return;
      for (const [client, ranges] of tr.deleteSet.clients)
        for (const { clock, len } of ranges)
          for (let c = clock; c < clock + len; c++) deleted.add(idOf(client, c));
    });
    return { name, doc, pending, deleted, sets };
  });
  type Member = (typeof members)[number];

  const push = (m: Member) => {
    if (m.pending.length === 0) return;
    const update = Y.mergeUpdates(m.pending.splice(0));
    Y.applyUpdate(server, update, REMOTE);
    const row = world.rows.length;
    world.rows.push({ authorId: m.name, update });
    for (const id of m.deleted) if (!world.deleterOf.has(id)) world.deleterOf.set(id, m.name);
    m.deleted.clear();
    for (const s of m.sets.splice(0)) world.fieldSets.push({ ...s, authorId: m.name, row });
  };
  const pull = (m: Member) => {
    Y.applyUpdate(m.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(m.doc)), REMOTE);
  };
  const word = () => {
    let s = '';
    for (let n = 1 + r.int(5); n > 0; n--) s += r.pick([...CHARS]);
    return s;
  };
  const editText = (t: Y.Text | Y.XmlText) => {
    const len = t.length;
    const at = r.int(len + 1);
    const op = r.int(3);
    if (op === 0 || len === 0) t.insert(at, word());
    else if (op === 1) t.delete(Math.min(at, len - 1), 1 + r.int(Math.min(4, len - at)));
    else {
      const from = Math.min(at, len - 1);
      t.delete(from, 1 + r.int(Math.min(4, len - from)));
      t.insert(from, word());
    }
  };
  const edit = (m: Member) => {
    const body = m.doc.getXmlFragment('body');
    const choice = r.int(10);
    m.doc.transact(() => {
      if (choice < 5 && body.length > 0) {
        const p = body.get(r.int(body.length)) as Y.XmlElement;
        const t = p.get(0) as Y.XmlText | undefined;
        if (t) editText(t);
      } else if (choice < 6 || body.length === 0) {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(word())]);
        body.insert(r.int(body.length + 1), [p]);
      } else if (choice < 7) {
        body.delete(r.int(body.length), 1);
      } else if (choice < 9) {
        const fields = m.doc.getMap<unknown>('fields');
        let title = fields.get('title');
        if (!(title instanceof Y.Text)) {
          // Only the first member creates the title, so no concurrent Y.Text replaces another.
          if (m.name !== MEMBERS[0]) return;
          title = new Y.Text();
          fields.set('title', title);
        }
        editText(title as Y.Text);
      } else {
        const field = r.pick(FIELDS);
        const value = `${m.name}-${r.int(100)}`;
        m.doc.getMap<unknown>('fields').set(field, value);
        m.sets.push({ field, value });
      }
    });
  };
  for (let i = 0; i < steps; i++) {
    const m = r.pick(members);
    const what = r.int(10);
    if (what < 6) edit(m);
    else if (what < 8) push(m);
    else pull(m);
  }
  for (const m of members) push(m);
  return world;
}

/** Checks one comparison of versions a and b (rows before each) against the bookkeeping. */
type Chars = ReturnType<typeof visibleChars>;

/** What a separate replica shows after each number of rows, read from its live items. */
function charsAfterEachRow(
  world: World,
  typeOf: (d: Y.Doc) => Y.XmlFragment | Y.Text | null,
): Chars[] {
  const replica = new Y.Doc();
  const read = () => {
    const t = typeOf(replica);
    return t ? visibleChars(t) : [];
  };
  const out = [read()];
  for (const row of world.rows) {
    Y.applyUpdate(replica, row.update);
    out.push(read());
  }
  replica.destroy();
  return out;
}

function checkPair(
  world: World,
  doc: Y.Doc,
  snapshots: Y.Snapshot[],
  attribution: Attribution,
  typeOf: (d: Y.Doc) => Y.XmlFragment | Y.Text | null,
  charsAt: Chars[],
  a: number,
  b: number,
) {
  const type = typeOf(doc);
  const A = charsAt[a]!;
  const B = charsAt[b]!;
  const segments: TextSegment[] = type
    ? diffText(type, snapshots[a]!, snapshots[b]!, attribution)
    : [];
  const accepted = segments.filter((s) => s.change !== 'deleted');
  const rejected = segments.filter((s) => s.change !== 'inserted');
  expect(accepted.map((s) => s.text).join('')).toBe(B.map((c) => c.ch).join(''));
  expect(rejected.map((s) => s.text).join('')).toBe(A.map((c) => c.ch).join(''));
  const inA = new Set(A.map((c) => c.id));
  const inB = new Set(B.map((c) => c.id));
  // Character by character: marks and attribution as the bookkeeping says.
  let k = 0;
  for (const s of accepted) {
    for (const _ of s.text) {
      const { id } = B[k++]!;
      expect(s.change === 'inserted', `char ${id} inserted`).toBe(!inA.has(id));
      if (s.change === 'inserted' && a < b)
        expect(s.authorId, `writer of ${id}`).toBe(world.ownerOf.get(Number(id.split(':')[0])));
    }
  }
  k = 0;
  for (const s of rejected) {
    for (const _ of s.text) {
      const { id, paragraph } = A[k++]!;
      expect(s.change === 'deleted', `char ${id} deleted`).toBe(!inB.has(id));
      // Text typed into a paragraph someone removed meanwhile goes with the paragraph.
      const deleter = world.deleterOf.get(id) ?? (paragraph && world.deleterOf.get(paragraph));
      if (s.change === 'deleted' && a < b) expect(s.authorId, `deleter of ${id}`).toBe(deleter);
    }
  }
  const counted = type
    ? countTextChanges(type, snapshots[a]!, snapshots[b]!)
    : { inserted: 0, removed: 0 };
  expect(counted).toEqual({
    inserted: B.filter((c) => !inA.has(c.id)).length,
    removed: A.filter((c) => !inB.has(c.id)).length,
  });
}

const SEEDS = 40;
const bodyOf = (d: Y.Doc) => d.getXmlFragment('body');
const titleOf = (d: Y.Doc) => {
  const t = d.getMap<unknown>('fields').get('title');
  return t instanceof Y.Text ? t : null;
};

describe('comparison and counts are exact (property)', () => {
  it('HIST-5 HIST-6 marks exactly the characters inserted and deleted between any two versions, with who did it', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      try {
        const world = simulate(seed, 60);
        // The history doc is built row by row, as the server's history does, with a snapshot
        // after each row (snapshots[n] = the state after the first n rows).
        const doc = new Y.Doc({ gc: false });
        const snapshots = [Y.snapshot(doc)];
        for (const row of world.rows) {
          Y.applyUpdate(doc, row.update, 'storage');
          snapshots.push(Y.snapshot(doc));
        }
        const attribution = new Attribution(world.rows);
        const bodies = charsAfterEachRow(world, bodyOf);
        const titles = charsAfterEachRow(world, titleOf);
        const r = prng(seed * 7919);
        const n = world.rows.length;
        for (let i = 0; i < 6; i++) {
          const a = r.int(n + 1);
          const b = r.int(n + 1);
          checkPair(world, doc, snapshots, attribution, bodyOf, bodies, a, b);
          checkPair(world, doc, snapshots, attribution, titleOf, titles, a, b);
        }
        // Every step of the log, as history entries compare them.
        for (let i = 1; i <= n; i++) {
          checkPair(world, doc, snapshots, attribution, bodyOf, bodies, i - 1, i);
          checkPair(world, doc, snapshots, attribution, titleOf, titles, i - 1, i);
        }
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`, { cause: error });
      }
    }
    // A generous budget for a shared machine; alone the run takes about a second.
  }, 30_000);
});

describe('reverting one member (property)', () => {
  it('HIST-9 removes what the member wrote since the point, keeps what others wrote and set', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      try {
        const world = simulate(seed, 60);
        const r = prng(seed * 104729);
        const member = r.pick(MEMBERS);
        const from = r.int(world.rows.length);
        const revert = revertMemberUpdate(
          world.rows.slice(0, from).map((row) => row.update),
          world.rows.slice(from),
          member,
        );
        const before = replay(world.rows.map((row) => row.update));
        const after = replay([...world.rows.map((row) => row.update), revert]);
        // The member's clients: what they inserted since `from` is gone.
        const since = replay(world.rows.slice(0, from).map((row) => row.update));
        const svAtFrom = Y.encodeStateVector(since);
        const oldSv = Y.decodeStateVector(svAtFrom);
        const isMembersNew = (id: CharId) => {
          const [client, clock] = id.split(':').map(Number) as [number, number];
          return world.ownerOf.get(client) === member && clock >= (oldSv.get(client) ?? 0);
        };
        for (const typeOf of [bodyOf, titleOf]) {
          const t = typeOf(after);
          const shown = t ? visibleChars(t) : [];
          expect(shown.filter((c) => isMembersNew(c.id))).toEqual([]);
          // Everything else that showed before still shows (others' text inside the member's
          // text and paragraphs included), except what a restored deletion brings back as a copy.
          const bt = typeOf(before);
          const wasShown = bt ? visibleChars(bt) : [];
          const nowIds = new Set(shown.map((c) => c.id));
          const lost = wasShown.filter((c) => !isMembersNew(c.id) && !nowIds.has(c.id));
          expect(lost).toEqual([]);
        }
        // Map values: a field last set by someone else stays theirs; a field last set by the
        // member since `from` goes back to what it was before the member's first change.
        const fields = after.getMap<unknown>('fields');
        for (const field of FIELDS) {
          const sets = world.fieldSets.filter((s) => s.field === field);
          const current = before.getMap<unknown>('fields').get(field);
          const lastSetter = sets.filter((s) => s.value === current).at(-1);
          if (lastSetter && !(lastSetter.authorId === member && lastSetter.row >= from)) {
            expect(fields.get(field), field).toBe(current);
          }
          if (lastSetter && lastSetter.authorId === member && lastSetter.row >= from) {
            const onlyMemberSince = sets
              .filter((s) => s.row >= from)
              .every((s) => s.authorId === member);
            if (onlyMemberSince) {
              expect(fields.get(field), field).toBe(since.getMap<unknown>('fields').get(field));
            }
          }
        }
        before.destroy();
        after.destroy();
        since.destroy();
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`, { cause: error });
      }
    }
    // A generous budget for a shared machine; alone the run takes about a second.
  }, 30_000);
});
