/**
 * Work run one at a time per key, in the order it was asked for: each waits until the work asked
 * before it under the same key has ended, whether that succeeded or failed. A key with nothing
 * waiting is forgotten.
 */
export class InTurn {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.#tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }
}
