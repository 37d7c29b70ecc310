import * as random from 'lib0/random';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random 12-character id (about 71 bits) for phases, tasks, entries, agenda items, docs.
 * It matches the protocol's id rule (`[A-Za-z0-9_-]{1,64}`), so doc ids can be room names.
 */
export function newId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ALPHABET[random.uint32() % ALPHABET.length];
  return id;
}

/** An id generator drawing from a given source of uint32s (the demo uses a seeded one). */
export function makeIdGenerator(nextUint32: () => number): () => string {
  return () => {
    let id = '';
    for (let i = 0; i < 12; i++) id += ALPHABET[nextUint32() % ALPHABET.length];
    return id;
  };
}
