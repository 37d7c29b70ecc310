/**
 * Frames for the relay, of every message type of the y-websocket protocol and of the project's
 * ack, valid and not: sync step 1/2 and updates (valid edits, real demo updates, mutated ones,
 * random bytes), awareness updates with random JSON of every shape and size, auth, query
 * awareness, acks sent the wrong way, unknown types, random bytes, truncated varints, huge
 * length prefixes, empty, oversized and text frames.
 *
 * Each connection slot draws its frames from its own seeded generator, independent of timing and
 * of what the server answers, so the same seed sends the same frames again.
 */
import { MessageType } from '@grassroots/shared';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type CorpusDoc, openCopy, randomEdit } from './corpus.ts';
import { BYTE_MUTATIONS, interestingNumber, mutateBytes, mutateStructure } from './mutate.ts';

/** What a frame is, for the summary and for replaying a failure. */
export type Frame = {
  kind: string;
  data: Uint8Array | string;
  /** For frames carrying a Yjs update: the update itself (to trace a stored row to its frame). */
  update?: Uint8Array;
};

export type FrameSourceOptions = {
  /** Seed of this slot's generator. */
  seed: number;
  /** The demo doc of the slot's room, and all of them (donors for crossovers). */
  doc: CorpusDoc;
  corpus: CorpusDoc[];
  /** Client id of the slot's own doc and awareness state. */
  clientId: number;
  /** Awareness client ids used by other connections (to overwrite or remove their states). */
  otherIds: number[];
  /** The server's limits, so some frames land just under and just over them. */
  maxMessageBytes: number;
  maxAwarenessBytes: number;
  /** Kinds (or kind prefixes, such as `awareness.`) to send; default all. */
  only?: readonly string[];
  /** Kinds (or kind prefixes) never to send. Default none. */
  exclude?: readonly string[];
};

const message = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

const syncFrame = (subType: number, payload: Uint8Array) =>
  message((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, subType);
    encoding.writeVarUint8Array(e, payload);
  });

const awarenessFrame = (update: Uint8Array) =>
  message((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });

/** An awareness update: `[clientId, clock, JSON text]` entries. */
export const awarenessUpdate = (entries: [number, number, string][]) =>
  message((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const [id, clock, json] of entries) {
      encoding.writeVarUint(e, id);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
  });

const KEY_POOL = ['user', 'name', 'color', 'cursor', '', '__proto__', 'constructor', 'toString'];

/** Random JSON text (not built as an object, so depth is not limited by this process's stack). */
export function randomJson(gen: prng.PRNG, budget: number, depth = 0): string {
  const pick = depth > 6 || budget < 16 ? prng.int32(gen, 0, 4) : prng.int32(gen, 0, 7);
  switch (pick) {
    case 0:
      return 'null';
    case 1:
      return prng.bool(gen) ? 'true' : 'false';
    case 2:
      return String(
        prng.oneOf(gen, [
          0,
          -0,
          1.5e308,
          -5e-324,
          2 ** 53 + 1,
          -(2 ** 63),
          prng.int32(gen, -1e9, 1e9),
          prng.real53(gen),
        ]),
      );
    case 3:
    case 4:
      return JSON.stringify(
        prng.oneOf(gen, [
          () => prng.utf16String(gen, Math.min(budget, 40)),
          () => prng.word(gen, 0, Math.min(budget, 200)),
          () => '\u0000\uD800\uDFFF\u2028',
          () => 'x'.repeat(prng.int32(gen, 0, Math.max(0, budget - 2))),
        ])(),
      );
    case 5: {
      const n = prng.int32(gen, 0, 8);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(randomJson(gen, budget / (n + 1), depth + 1));
      return `[${parts.join(',')}]`;
    }
    default: {
      const n = prng.int32(gen, 0, 6);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = prng.bool(gen) ? prng.oneOf(gen, KEY_POOL) : prng.utf16String(gen, 6);
        parts.push(`${JSON.stringify(key)}:${randomJson(gen, budget / (n + 1), depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

/** JSON nested `depth` levels deep: arrays, objects or both. */
export function deepJson(gen: prng.PRNG, depth: number): string {
  const shape = prng.int32(gen, 0, 2);
  if (shape === 0) return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (shape === 1) return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `{"user":${'[{"x":'.repeat(depth >> 1)}0${'}]'.repeat(depth >> 1)}}`;
}

const BAD_JSON = ['', '{', '{"a":}', 'undefined', 'NaN', '[1,]', "{'a':1}", '\uD800', '"\\u12"'];

/** One weighted kind of frame and how to make it. */
type Generator = { kind: string; weight: number; make: () => Frame };

/** Makes a slot's endless, deterministic stream of frames. */
export function makeFrameSource(options: FrameSourceOptions) {
  const gen = prng.create(options.seed);
  const { doc, corpus, clientId, otherIds, maxMessageBytes, maxAwarenessBytes } = options;
  const local = openCopy(doc, clientId);
  const realUpdates = [doc.full, ...doc.edits];
  const demoState = Y.encodeStateVectorFromUpdate(doc.full);
  let awarenessClock = 0;
  let pending: Frame[] = [
    {
      kind: 'sync.step1',
      // An empty state vector: a client that has nothing yet.
      data: syncFrame(syncProtocol.messageYjsSyncStep1, new Uint8Array([0])),
    },
    {
      kind: 'update.demo',
      data: syncFrame(syncProtocol.messageYjsSyncStep2, doc.full),
      update: doc.full,
    },
  ];

  const update = (kind: string, payload: Uint8Array): Frame => ({
    kind,
    data: syncFrame(
      prng.bool(gen) ? syncProtocol.messageYjsUpdate : syncProtocol.messageYjsSyncStep2,
      payload,
    ),
    update: payload,
  });
  const real = () => prng.oneOf(gen, realUpdates);
  const anyReal = () => {
    const other = prng.oneOf(gen, corpus);
    return prng.bool(gen) ? other.full : prng.oneOf(gen, other.edits);
  };
  const awareness = (kind: string, entries: [number, number, string][]): Frame => ({
    kind,
    data: awarenessFrame(awarenessUpdate(entries)),
  });
  const localEdit = (): Uint8Array => {
    let captured: Uint8Array | null = null;
    const capture = (u: Uint8Array) => {
      captured = captured ? Y.mergeUpdates([captured, u]) : u;
    };
    local.on('update', capture);
    for (let i = prng.int32(gen, 1, 3); i > 0; i--) randomEdit(local, gen);
    local.off('update', capture);
    return captured ?? new Uint8Array([0, 0]);
  };

  const generators: Generator[] = [
    { kind: 'update.valid', weight: 10, make: () => update('update.valid', localEdit()) },
    {
      // Everything this client ever wrote, as a reconnecting client sends it in sync step 2: the
      // server may have missed some of its edits (closed connections), and later ones wait on them.
      kind: 'update.catchUp',
      weight: 3,
      make: () => update('update.catchUp', Y.encodeStateAsUpdate(local, demoState)),
    },
    {
      kind: 'update.demo',
      weight: 4,
      make: () => {
        const pick = prng.int32(gen, 0, 2);
        if (pick === 0) return update('update.demo', doc.full);
        if (pick === 1 || doc.edits.length === 0) return update('update.demo', real());
        // The demo edits from the first one up to some point, merged: later edits build on them.
        const upTo = prng.int32(gen, 1, doc.edits.length);
        return update('update.demo', Y.mergeUpdates(doc.edits.slice(0, upTo)));
      },
    },
    ...BYTE_MUTATIONS.map(
      (mutation): Generator => ({
        kind: `update.mutated.${mutation}`,
        weight: 3,
        make: () =>
          update(`update.mutated.${mutation}`, mutateBytes(gen, real(), anyReal(), mutation)),
      }),
    ),
    {
      kind: 'update.mutated.structural',
      weight: 8,
      make: () =>
        update(
          'update.mutated.structural',
          mutateStructure(gen, real(), doc.clients) ?? mutateBytes(gen, real(), real(), 'flip'),
        ),
    },
    {
      kind: 'update.random',
      weight: 2,
      make: () => update('update.random', prng.uint8Array(gen, prng.int32(gen, 0, 300))),
    },
    {
      kind: 'update.deleteSet',
      weight: 2,
      make: () => {
        const client = prng.oneOf(gen, [
          ...doc.clients,
          clientId,
          prng.uint32(gen, 0, 2 ** 32 - 1),
        ]);
        return update(
          'update.deleteSet',
          message((e) => {
            encoding.writeVarUint(e, 0);
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, client);
            encoding.writeVarUint(e, 1);
            encoding.writeVarUint(e, interestingNumber(gen));
            encoding.writeVarUint(e, interestingNumber(gen, 1));
          }),
        );
      },
    },
    {
      kind: 'sync.step1',
      weight: 4,
      make: () => ({
        kind: 'sync.step1',
        data: syncFrame(
          syncProtocol.messageYjsSyncStep1,
          prng.bool(gen) ? Y.encodeStateVector(local) : new Uint8Array([0]),
        ),
      }),
    },
    {
      kind: 'sync.step1.bogus',
      weight: 2,
      make: () => {
        const entries = prng.oneOf(gen, [1, 3, 20, 10_001, 2 ** 31]);
        const written = Math.min(entries, 50);
        return {
          kind: 'sync.step1.bogus',
          data: syncFrame(
            syncProtocol.messageYjsSyncStep1,
            message((e) => {
              encoding.writeVarUint(e, entries);
              for (let i = 0; i < written; i++) {
                encoding.writeVarUint(
                  e,
                  prng.bool(gen) ? prng.oneOf(gen, doc.clients) : interestingNumber(gen),
                );
                encoding.writeVarUint(e, interestingNumber(gen));
              }
            }),
          ),
        };
      },
    },
    {
      kind: 'sync.badSubtype',
      weight: 1,
      make: () => ({
        kind: 'sync.badSubtype',
        data: syncFrame(interestingNumber(gen, 3) || 3, prng.uint8Array(gen, 8)),
      }),
    },
    {
      kind: 'awareness.valid',
      weight: 6,
      make: () =>
        awareness('awareness.valid', [
          [
            clientId,
            ++awarenessClock,
            prng.int32(gen, 0, 9) === 0
              ? 'null'
              : JSON.stringify({ user: { name: `村民${clientId}`, color: '#b91c1c' } }),
          ],
        ]),
    },
    {
      kind: 'awareness.json',
      weight: 5,
      make: () =>
        awareness('awareness.json', [[clientId, ++awarenessClock, randomJson(gen, 2000)]]),
    },
    {
      kind: 'awareness.nonObject',
      weight: 2,
      make: () =>
        awareness('awareness.nonObject', [
          [
            clientId,
            ++awarenessClock,
            prng.oneOf(gen, ['null', '0', '-1', '"state"', '[]', '[null]', 'true', '1e400']),
          ],
        ]),
    },
    {
      kind: 'awareness.deep',
      weight: 2,
      make: () =>
        awareness('awareness.deep', [
          [
            clientId,
            ++awarenessClock,
            deepJson(gen, prng.oneOf(gen, [64, 1000, 5000, 12_000, 20_000])),
          ],
        ]),
    },
    {
      // A deep state under another connection's id: it stays after this connection is closed.
      kind: 'awareness.deepOther',
      weight: 1,
      make: () =>
        awareness('awareness.deepOther', [
          [prng.oneOf(gen, otherIds), 2 ** 31 + ++awarenessClock, deepJson(gen, 8000)],
        ]),
    },
    {
      kind: 'awareness.large',
      weight: 2,
      make: () => {
        // Around the size limit: some just under, some over.
        const target = Math.floor(maxAwarenessBytes * prng.oneOf(gen, [0.5, 0.9, 0.99, 1.01, 2]));
        const json = prng.bool(gen)
          ? `[${'1,'.repeat(Math.max(0, (target >> 1) - 2))}1]`
          : JSON.stringify({ text: 'x'.repeat(Math.max(0, target - 12)) });
        return awareness('awareness.large', [[clientId, ++awarenessClock, json]]);
      },
    },
    {
      kind: 'awareness.manyClients',
      weight: 2,
      make: () => {
        const count = prng.oneOf(gen, [50, 500, 3000]);
        const entries: [number, number, string][] = [];
        for (let i = 0; i < count; i++) {
          entries.push([prng.uint32(gen, 0, 2 ** 32 - 1), prng.int32(gen, 0, 5), '{"u":1}']);
        }
        return awareness('awareness.manyClients', entries);
      },
    },
    {
      kind: 'awareness.otherIds',
      weight: 3,
      make: () => {
        const entries: [number, number, string][] = [];
        for (let i = prng.int32(gen, 1, 4); i > 0; i--) {
          entries.push([
            prng.oneOf(gen, otherIds),
            interestingNumber(gen, awarenessClock),
            prng.bool(gen) ? 'null' : randomJson(gen, 200),
          ]);
        }
        return awareness('awareness.otherIds', entries);
      },
    },
    {
      kind: 'awareness.badJson',
      weight: 2,
      make: () =>
        awareness('awareness.badJson', [[clientId, ++awarenessClock, prng.oneOf(gen, BAD_JSON)]]),
    },
    {
      kind: 'awareness.garbage',
      weight: 2,
      make: () => {
        const valid = awarenessUpdate([[clientId, ++awarenessClock, '{"a":1}']]);
        const payload = prng.bool(gen)
          ? prng.uint8Array(gen, prng.int32(gen, 0, 64))
          : mutateBytes(gen, valid, valid, prng.oneOf(gen, [...BYTE_MUTATIONS]));
        return { kind: 'awareness.garbage', data: awarenessFrame(payload) };
      },
    },
    {
      kind: 'auth',
      weight: 2,
      make: () => ({
        kind: 'auth',
        data: message((e) => {
          encoding.writeVarUint(e, MessageType.auth);
          if (prng.bool(gen)) {
            encoding.writeVarUint(e, 0);
            encoding.writeVarString(e, 'permission denied');
          } else encoding.writeUint8Array(e, prng.uint8Array(gen, prng.int32(gen, 0, 32)));
        }),
      }),
    },
    {
      kind: 'queryAwareness',
      weight: 4,
      make: () => ({
        kind: 'queryAwareness',
        data: message((e) => {
          encoding.writeVarUint(e, MessageType.queryAwareness);
          if (prng.int32(gen, 0, 3) === 0) encoding.writeUint8Array(e, prng.uint8Array(gen, 8));
        }),
      }),
    },
    {
      kind: 'ack',
      weight: 2,
      make: () => ({
        kind: 'ack',
        data: message((e) => {
          encoding.writeVarUint(e, MessageType.ack);
          encoding.writeVarUint8Array(e, Y.encodeStateVector(local));
          encoding.writeVarUint(e, interestingNumber(gen));
        }),
      }),
    },
    {
      kind: 'unknownType',
      weight: 2,
      make: () => ({
        kind: 'unknownType',
        data: message((e) => {
          encoding.writeVarUint(e, prng.oneOf(gen, [4, 5, 99, 101, 255, 2 ** 32, 2 ** 53 - 1]));
          encoding.writeUint8Array(e, prng.uint8Array(gen, prng.int32(gen, 0, 16)));
        }),
      }),
    },
    {
      kind: 'randomBytes',
      weight: 3,
      make: () => {
        const bytes = prng.uint8Array(gen, prng.int32(gen, 1, 2000));
        // Often start like a real message so the decoder goes further in.
        if (prng.bool(gen)) bytes[0] = prng.int32(gen, 0, 3);
        return { kind: 'randomBytes', data: bytes };
      },
    },
    { kind: 'empty', weight: 1, make: () => ({ kind: 'empty', data: new Uint8Array(0) }) },
    {
      kind: 'truncatedVarint',
      weight: 2,
      make: () => {
        const prefix = prng.oneOf(gen, [[], [0], [0, 0], [0, 2], [1], [0, 1]]);
        const tail = Array.from(
          { length: prng.int32(gen, 1, 11) },
          () => 0x80 | prng.int32(gen, 0, 127),
        );
        return { kind: 'truncatedVarint', data: new Uint8Array([...prefix, ...tail]) };
      },
    },
    {
      kind: 'hugeLength',
      weight: 2,
      make: () => ({
        kind: 'hugeLength',
        data: message((e) => {
          const header = prng.oneOf(gen, [[0, 0], [0, 1], [0, 2], [1], [2, 0]]);
          for (const b of header) encoding.writeVarUint(e, b);
          encoding.writeVarUint(
            e,
            prng.oneOf(gen, [maxMessageBytes + 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]),
          );
          encoding.writeUint8Array(e, prng.uint8Array(gen, prng.int32(gen, 0, 16)));
        }),
      }),
    },
    {
      kind: 'text',
      weight: 2,
      make: () => ({
        kind: 'text',
        data: prng.oneOf(gen, [
          () => prng.utf16String(gen, 64),
          () => '{"type":"sync","data":[0,0]}',
          () => String.fromCharCode(0, 0, 1),
        ])(),
      }),
    },
    {
      kind: 'oversize',
      weight: 0.3,
      make: () => {
        const bytes = new Uint8Array(maxMessageBytes + prng.int32(gen, 1, 4096));
        bytes.fill(prng.uint32(gen, 0, 255));
        bytes.set(prng.uint8Array(gen, 64));
        bytes[0] = 0;
        bytes[1] = 2;
        return { kind: 'oversize', data: bytes };
      },
    },
  ];
  const matches = (kind: string, prefixes: readonly string[] | undefined) =>
    (prefixes ?? []).some((prefix) => prefix !== '' && kind.startsWith(prefix));
  const isExcluded = (kind: string) =>
    matches(kind, options.exclude) || (options.only !== undefined && !matches(kind, options.only));
  const enabled = generators.filter((g) => !isExcluded(g.kind));
  pending = pending.filter((f) => !isExcluded(f.kind));
  const total = enabled.reduce((n, g) => n + g.weight, 0);
  if (enabled.length === 0) throw new Error('no kind of frame is left to send');

  return {
    /** The slot's next frame. */
    next(): Frame {
      const first = pending.shift();
      if (first) return first;
      let r = prng.real53(gen) * total;
      for (const g of enabled) {
        r -= g.weight;
        if (r < 0) return g.make();
      }
      return enabled[0]!.make();
    },
    /** Every kind this source can produce. */
    kinds: enabled.map((g) => g.kind),
    destroy() {
      pending = [];
      local.destroy();
    },
  };
}

export type FrameSource = ReturnType<typeof makeFrameSource>;
