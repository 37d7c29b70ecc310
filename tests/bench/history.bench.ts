/**
 * `pnpm bench:history` — the cost of history on a doc with 10,000 stored updates.
 *
 * Workload: meeting minutes typed by three members in bursts (each update a few characters of
 * the body, some deletions, now and then a field change), 10,000 updates in all, stored through
 * the real SqliteStore in a temp folder. Then, with the server's History service:
 * - open: the first page of history (rebuilds the history: replay + snapshots + descriptions);
 * - page again (cached), the last page;
 * - rebuild a version at random positions (20 of them);
 * - compare a random version with the current state;
 * - the restore update for a version in the middle;
 * - all of it again after storage compaction.
 * Prints the figures; writes bench-results/history.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, SqliteStore } from '@grassroots/server';
import {
  createDoc,
  initMinutes,
  MINUTES_BODY_FIELD,
  setMeetingFields,
  writeParagraphs,
} from '@grassroots/shared';
import * as Y from 'yjs';

const UPDATES = Number(process.env.BENCH_HISTORY_UPDATES ?? 10_000);
const room = 'bench/minutes';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1]! };
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-bench-history-'));
  const store = new SqliteStore(join(dir, 'bench.sqlite'));
  const random = rng(42);
  const authors = ['m-secretary', 'm-recorder', 'm-member'];
  const doc = createDoc();
  const log: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => log.push(u));
  initMinutes(doc, { title: '支部委员会', meetingType: 'branch-committee', place: '村委会' });
  writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), '会议记录');
  const paragraph = () => {
    const body = doc.getXmlFragment(MINUTES_BODY_FIELD);
    return (body.get(body.length - 1) as Y.XmlElement).get(0) as Y.XmlText;
  };
  let at = Date.UTC(2026, 2, 3, 1, 0);
  let author = 0;
  const batch: { room: string; authorId: string; at: number; update: Uint8Array }[] = [];
  const words = '村民代表提出修路和水渠建设的意见会议同意先行调查';
  while (batch.length + log.length < UPDATES) {
    if (random() < 0.02) {
      author = Math.floor(random() * authors.length);
      at += 10 * 60_000;
    }
    at += 500 + Math.floor(random() * 3000);
    const r = random();
    if (r < 0.02) setMeetingFields(doc, { place: `会议室${Math.floor(random() * 9)}` });
    else if (r < 0.04) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('新段落')]);
      const body = doc.getXmlFragment(MINUTES_BODY_FIELD);
      body.insert(body.length, [p]);
    } else if (r < 0.12 && paragraph().length > 4)
      paragraph().delete(Math.floor(random() * (paragraph().length - 2)), 2);
    else {
      const i = Math.floor(random() * words.length);
      paragraph().insert(paragraph().length, words.slice(i, i + 3));
    }
    for (const update of log.splice(0))
      batch.push({ room, authorId: authors[author]!, at, update });
  }
  for (let i = 0; i < batch.length; i += 1000) await store.appendUpdates(batch.slice(i, i + 1000));
  const { rows, bytes, lastSeq } = await store.roomStats(room);
  console.log(
    `stored: ${rows} updates, ${(bytes / 1024).toFixed(0)} kB, body ${paragraphLength(doc)} characters of XML`,
  );

  const measure = async (label: string) => {
    const history = new History({ store, burstGapMs: 5 * 60_000 });
    // What GET /history does: the first page plus the automatic "finalised" versions.
    const [first, open] = await time(async () => {
      const page = await history.page(room, { limit: 50, locale: 'zh-CN' });
      await history.finalisations(room);
      return page;
    });
    const [, again] = await time(() => history.page(room, { limit: 50, locale: 'zh-CN' }));
    const [, lastPage] = await time(() =>
      history.page(room, { limit: 50, locale: 'zh-CN', beforeSeq: 200 }),
    );
    const versionTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const seq = 1 + Math.floor(random() * lastSeq);
      const [update, ms] = await time(() => history.version(room, seq));
      if (update.byteLength === 0) throw new Error('empty version');
      versionTimes.push(ms);
    }
    const [, compare] = await time(() =>
      history.compare(room, Math.floor(lastSeq / 3), null, 'zh-CN'),
    );
    const [, restore] = await time(() => history.restoreUpdate(room, Math.floor(lastSeq / 2)));
    const result = {
      label,
      rows: (await store.roomStats(room)).rows,
      entries: first.total,
      openMs: open,
      pageAgainMs: again,
      oldPageMs: lastPage,
      version: stats(versionTimes),
      compareMs: compare,
      restoreMs: restore,
    };
    console.log(
      `${label.padEnd(18)} rows ${String(result.rows).padStart(6)}  entries ${String(result.entries).padStart(5)}  ` +
        `open ${open.toFixed(0)} ms  page (cached) ${again.toFixed(1)} ms  old page ${lastPage.toFixed(0)} ms  ` +
        `version median ${result.version.median.toFixed(1)} ms p95 ${result.version.p95.toFixed(1)} ms  ` +
        `compare ${compare.toFixed(0)} ms  restore ${restore.toFixed(0)} ms`,
    );
    return result;
  };

  const before = await measure('10k updates');
  const compact = await time(() =>
    store.compact(room, { before: Date.now(), burstGapMs: 5 * 60_000, maxRowBytes: 256 * 1024 }),
  );
  console.log(
    `compaction: ${compact[0].rowsBefore} → ${compact[0].rowsAfter} rows in ${compact[1].toFixed(0)} ms`,
  );
  const after = await measure('after compaction');
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/history.json',
    JSON.stringify({ updates: rows, bytes, before, after }, null, 2),
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

function paragraphLength(doc: Y.Doc) {
  return doc.getXmlFragment(MINUTES_BODY_FIELD).toString().length;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
