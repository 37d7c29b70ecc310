/**
 * Client budgets, printed (not asserted): initial JavaScript and lazy chunk sizes (gzip), and the
 * time to open a 200-document workspace from IndexedDB with the network off, in headless Chromium.
 * Goals: initial JS < 200 kB gzip; 200-doc workspace interactive < 1 s.
 *
 * Run: corepack pnpm bench:client  (builds the client first; pass --no-build to reuse client/dist)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  addAgendaItem,
  addDocEntry,
  addEntry,
  addPhase,
  addTask,
  createDoc,
  initFeedbackLog,
  initIndex,
  initMinutes,
  initPlan,
  markAttendance,
} from '@grassroots/shared';
import * as Y from 'yjs';
import { clientDist, openBrowser, startRelay } from '../e2e/harness.ts';

const DOCS = 200;
const RUNS = 5;

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

function bundleSizes() {
  const html = readFileSync(join(clientDist, 'index.html'), 'utf8');
  const initial = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)) initial.add(m[1]!);
  // Static imports of the entry are part of the first load too.
  const queue = [...initial];
  while (queue.length) {
    const file = queue.pop()!;
    const code = readFileSync(join(clientDist, file), 'utf8');
    for (const m of code.matchAll(
      /(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g,
    )) {
      const dep = `assets/${m[1]}`;
      if (!initial.has(dep)) {
        initial.add(dep);
        queue.push(dep);
      }
    }
  }
  const gz = (file: string) => gzipSync(readFileSync(join(clientDist, file))).length;
  const all = execFileSync('ls', [join(clientDist, 'assets')], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
  return {
    initial: [...initial].map((f) => ({ file: f, gzip: gz(f) })),
    lazy: all.filter((f) => !initial.has(f)).map((f) => ({ file: f, gzip: gz(f) })),
  };
}

/** Updates of a 200-doc workspace made with the shared model (plans, minutes, feedback logs). */
function makeWorkspace(): Array<[string, number[]]> {
  const index = createDoc();
  initIndex(index, { name: '基准村' });
  const out: Array<[string, number[]]> = [];
  const now = Date.now();
  for (let i = 0; i < DOCS; i++) {
    const id = `doc${String(i).padStart(4, '0')}`;
    const doc = createDoc();
    const kind = i % 3 === 0 ? 'plan' : i % 3 === 1 ? 'minutes' : 'feedback';
    if (kind === 'plan') {
      initPlan(doc, { title: `计划 ${i}` });
      for (let p = 0; p < 3; p++) {
        const phase = addPhase(doc, { title: `阶段 ${p}`, goals: '目标一\n目标二' });
        for (let t = 0; t < 8; t++)
          addTask(doc, {
            phaseId: phase,
            title: `任务 ${t}`,
            owner: { name: '张主任' },
            status: t % 2 ? 'done' : 'todo',
          });
      }
    } else if (kind === 'minutes') {
      initMinutes(doc, {
        title: `会议 ${i}`,
        meetingType: 'party-group',
        startsAt: now - i * 86_400_000,
      });
      for (let a = 0; a < 12; a++) markAttendance(doc, { name: `党员${a}` }, { present: true });
      for (let a = 0; a < 6; a++) addAgendaItem(doc, { title: `学习文件 ${a}` });
    } else {
      initFeedbackLog(doc, { title: `民情日志 ${i}` });
      for (let e = 0; e < 20; e++)
        addEntry(doc, {
          receivedAt: now - e * 3 * 86_400_000,
          channel: 'home-visit',
          category: 'livelihood',
          summary: `群众诉求 ${e}：道路维修`,
        });
    }
    addDocEntry(index, { id, kind, title: `文档 ${i}` });
    out.push([id, [...Y.encodeStateAsUpdate(doc)]]);
  }
  out.unshift(['index', [...Y.encodeStateAsUpdate(index)]]);
  return out;
}

async function main() {
  if (!process.argv.includes('--no-build')) {
    execFileSync('corepack', ['pnpm', 'build'], { stdio: 'ignore' });
  }
  const sizes = bundleSizes();
  const initialTotal = sizes.initial.reduce((s, f) => s + f.gzip, 0);
  console.log('\n# client bundle (gzip)');
  for (const f of sizes.initial) console.log(`  initial  ${f.file.padEnd(48)} ${kb(f.gzip)}`);
  console.log(`  initial JS total: ${kb(initialTotal)}  (goal < 200 kB)`);
  for (const f of sizes.lazy.sort((a, b) => b.gzip - a.gzip))
    console.log(`  lazy     ${f.file.padEnd(48)} ${kb(f.gzip)}`);

  const relay = await startRelay();
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    const workspaceId = 'benchws';
    await page.goto(`${relay.server.url}/#/`);
    await page.locator('h1').waitFor();
    const updates = makeWorkspace();
    const totalBytes = updates.reduce((s, [, u]) => s + u.length, 0);
    // Plain source text: tsx adds helpers to compiled functions that do not exist in the page.
    await page.evaluate(`(async () => {
      const workspaceId = ${JSON.stringify(workspaceId)};
      const updates = ${JSON.stringify(updates)};
      const open = (name, store) => new Promise((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onupgradeneeded = () => req.result.createObjectStore(store);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const put = (db, store, entries) => new Promise((resolve, reject) => {
        const tx = db.transaction(store, 'readwrite');
        for (const [k, v] of entries) tx.objectStore(store).put(v, k);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      const ws = await open('grassroots-ws-' + workspaceId, 'docs');
      await put(ws, 'docs', updates.map(([docId, u], i) => [['u', docId, 1, i, 0], new Uint8Array(u)]));
      const device = await open('grassroots-device', 'kv');
      await put(device, 'kv', [['workspaces', [{
        id: workspaceId, name: '基准村', serverOrigin: location.origin, memberId: 'bench',
        memberToken: 'grm_bench', role: 'editor', displayName: '基准', joinedAt: Date.now(),
        isLocalDemo: false,
      }]]]);
    })()`);
    // Let the service worker take control so the offline reload is served from its cache.
    await page.reload();
    await page.waitForFunction(
      'navigator.serviceWorker && navigator.serviceWorker.controller',
      null,
      {
        timeout: 15_000,
      },
    );
    await context.setOffline(true);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${relay.server.url}/#/w/${workspaceId}`);
      await page.reload();
      await page.locator('.sync-badge[data-state="offline"]').waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        "performance.getEntriesByName('grassroots:workspace-ready').length > 0",
      );
      const ready = (await page.evaluate(
        "performance.getEntriesByName('grassroots:workspace-ready')[0].startTime",
      )) as number;
      const plans = await page.locator('#dash-plans ~ ul li').count();
      if (plans === 0) throw new Error('dashboard did not list plans');
      times.push(ready);
      if (run === RUNS - 1) {
        const marks = (await page.evaluate(
          "['grassroots:store-read','grassroots:docs-built'].map((n) => { const e = performance.getEntriesByName(n)[0]; return e ? Math.round(e.startTime) : -1; })",
        )) as number[];
        console.log(
          `  last run: IndexedDB read at ${marks[0]} ms, docs built at ${marks[1]} ms, ready at ${ready.toFixed(0)} ms`,
        );
      }
    }
    times.sort((a, b) => a - b);
    console.log(
      `\n# open a ${DOCS}-doc workspace from IndexedDB, network off (${kb(totalBytes)} of updates)`,
    );
    console.log(
      `  navigation → workspace interactive: median ${times[Math.floor(RUNS / 2)]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times[RUNS - 1]!.toFixed(0)} ms  (goal < 1000 ms)`,
    );
  } finally {
    await browser.close();
    await relay.cleanup();
  }
}

await main();
