import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_BYTES_BEING_SENT, PageCache, PagesBeingSent, PagesBusy } from './publicPage.ts';

/** A render that takes `ms` of the main thread, as rendering a large board does. */
const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the main thread is held, as by a large page
  }
};

describe('the public pages kept and rendered (PUB-10)', () => {
  it('renders one at a time, each in a turn of the event loop of its own; past 8 waiting, a page is refused', async () => {
    const cache = new PageCache();
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const render = (key: string) => async () => {
      running++;
      most = Math.max(most, running);
      order.push(`render ${key}`);
      busyFor(5);
      running--;
      return Buffer.from(`page ${key}`);
    };
    const asked = Array.from({ length: 12 }, (_, i) =>
      cache.get(`board${i}`, 'v1', render(`board${i}`)).then(
        (page) => page.body.toString(),
        (error: unknown) => (error instanceof PagesBusy ? 'busy' : 'error'),
      ),
    );
    // Something else the relay has to do, asked after the pages: served before most of them.
    setImmediate(() => order.push('other work'));
    const answers = await Promise.all(asked);
    expect(answers.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => `page board${i}`));
    expect(answers.slice(8)).toEqual(['busy', 'busy', 'busy', 'busy']);
    expect(most).toBe(1);
    expect(order.indexOf('other work')).toBeLessThan(2);
    // Kept: asked again at the same version, nothing is rendered; a new version is.
    const before = order.length;
    expect((await cache.get('board3', 'v1', render('board3'))).body.toString()).toBe('page board3');
    expect(order.length).toBe(before);
    await cache.get('board3', 'v2', render('board3'));
    expect(order.length).toBe(before + 1);
  });

  it('readers asking for one page at once share one render', async () => {
    const cache = new PageCache();
    let renders = 0;
    const render = async () => {
      renders++;
      return Buffer.from('page');
    };
    const pages = await Promise.all(Array.from({ length: 20 }, () => cache.get('b', 'v', render)));
    expect(renders).toBe(1);
    expect(new Set(pages.map((p) => p.etag)).size).toBe(1);
  });

  it('pages held by answers not yet sent are bounded, each counted once however many share it', () => {
    const sent = new PagesBeingSent();
    const answer = () => new ServerResponse(new IncomingMessage(new Socket()));
    const quarter = Buffer.alloc(MAX_BYTES_BEING_SENT / 4);
    // One page shared by a thousand readers costs its size once.
    const sharing = Array.from({ length: 1000 }, () => answer());
    for (const res of sharing) expect(sent.hold(quarter, res)).toBe(true);
    // Pages rendered anew for readers who do not read: three more fit, the fifth does not.
    const fresh = Array.from({ length: 4 }, () => Buffer.alloc(MAX_BYTES_BEING_SENT / 4));
    const holders = fresh.map(() => answer());
    expect(fresh.map((page, i) => sent.hold(page, holders[i]!))).toEqual([true, true, true, false]);
    // Once every reader of the shared page is done, there is room again.
    for (const res of sharing.slice(0, 999)) res.emit('close');
    expect(sent.hold(fresh[3]!, answer())).toBe(false);
    sharing[999]!.emit('close');
    const last = answer();
    expect(sent.hold(fresh[3]!, last)).toBe(true);
    // A reader that left before its page was ready holds nothing: its close will not come again.
    last.emit('close');
    for (let i = 0; i < 10; i++) {
      const gone = answer();
      gone.destroy();
      expect(sent.hold(Buffer.alloc(MAX_BYTES_BEING_SENT / 4), gone)).toBe(true);
    }
    expect(sent.hold(Buffer.alloc(MAX_BYTES_BEING_SENT / 4), answer())).toBe(true);
  });
});
