/**
 * Client budgets, printed (not asserted): initial JavaScript and lazy chunk sizes (gzip), and the
 * time to open a 200-document workspace (minutes with bodies of a few kB) from IndexedDB with the
 * network off, in headless Chromium: until the first screen answers input, and until every doc is
 * built and the overview is complete. Goals: initial JS < 200 kB gzip; first screen < 1 s.
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
  MINUTES_BODY_FIELD,
  markAttendance,
  PLAN_NOTES_FIELD,
  writeParagraphs,
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

const SPEAKERS = ['李书记', '王主任', '张会计', '赵队员', '刘组长', '陈委员'];
const POINTS = [
  '传达了乡党委关于做好春耕备耕工作的通知精神，要求各村民小组抓紧落实',
  '讨论了村道硬化项目的资金来源和施工安排，建议先公示再开工',
  '汇报了上月民情日志办理情况，道路维修和饮水问题已转交乡水利站',
  '提出村集体经济合作社年底分红方案，需提交党员大会审议',
  '强调防汛责任到人，各组长要摸清低洼地带的住户情况',
  '对低保评议工作提出意见，坚持公开公平公正，评议结果张榜公示',
];

/**
 * A minutes body as people write it: about thirty paragraphs of who said what (a few kB of text),
 * in the paragraph layout the editor uses.
 */
function minutesBody(i: number): string {
  const lines = [`时间：${(i % 12) + 1}月${(i % 28) + 1}日 19:30（北京时间）`, '地点：村委会议室'];
  for (let k = 0; k < 30; k++) {
    const who = SPEAKERS[(i + k) % SPEAKERS.length]!;
    lines.push(`${k + 1}. ${who}：${POINTS[(i * 7 + k) % POINTS.length]!}。`);
  }
  lines.push('会议决定：以上事项由村“两委”分工落实，驻村工作队做好协助。');
  return lines.join('\n');
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
      doc.transact(() =>
        writeParagraphs(doc.getXmlFragment(PLAN_NOTES_FIELD), minutesBody(i).slice(0, 400)),
      );
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
      doc.transact(() => writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), minutesBody(i)));
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
    const firstScreen: number[] = [];
    const complete: number[] = [];
    const markAt = (name: string) =>
      page.evaluate(
        `(() => { const e = performance.getEntriesByName(${JSON.stringify(name)})[0]; return e ? e.startTime : -1; })()`,
      ) as Promise<number>;
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${relay.server.url}/#/w/${workspaceId}`);
      await page.reload();
      await page.locator('.sync-badge[data-state="offline"]').waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        "performance.getEntriesByName('grassroots:workspace-ready').length > 0",
      );
      // The first screen (shell, badge, overview from the index doc) is on screen and answers input.
      const ready = await markAt('grassroots:workspace-ready');
      await page.waitForFunction(
        "performance.getEntriesByName('grassroots:docs-built').length > 0",
      );
      // Every doc is built and the overview lists them.
      await page.locator('#dash-plans ~ ul li').first().waitFor({ timeout: 30_000 });
      const plans = await page.locator('#dash-plans ~ ul li').count();
      if (plans === 0) throw new Error('dashboard did not list plans');
      const built = await markAt('grassroots:docs-built');
      firstScreen.push(ready);
      complete.push(built);
      if (run === RUNS - 1) {
        const read = await markAt('grassroots:store-read');
        const index = await markAt('grassroots:index-built');
        console.log(
          `  last run: IndexedDB read at ${read.toFixed(0)} ms, index built at ${index.toFixed(0)} ms, first screen at ${ready.toFixed(0)} ms, all docs built at ${built.toFixed(0)} ms`,
        );
      }
    }
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `median ${sorted[Math.floor(RUNS / 2)]!.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted[RUNS - 1]!.toFixed(0)} ms`;
    };
    console.log(
      `\n# open a ${DOCS}-doc workspace from IndexedDB, network off (${kb(totalBytes)} of updates)`,
    );
    console.log(`  navigation → first screen interactive: ${stats(firstScreen)}  (goal < 1000 ms)`);
    console.log(`  navigation → every doc built:          ${stats(complete)}`);

    // The document list of the same workspace (IDX-8), still offline: every card on screen, then
    // a search through the feedback logs' entries (times include the browser driver's overhead).
    const listMs: number[] = [];
    const searchMs: number[] = [];
    const feedbackLogs = Math.floor(DOCS / 3);
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${relay.server.url}/#/w/${workspaceId}`);
      await page.locator('#dash-plans ~ ul li').first().waitFor({ timeout: 30_000 });
      let start = Date.now();
      await page.goto(`${relay.server.url}/#/w/${workspaceId}/docs`);
      await page
        .locator('li.doc-card')
        .nth(DOCS - 1)
        .waitFor({ timeout: 30_000 });
      listMs.push(Date.now() - start);
      start = Date.now();
      await page.getByRole('searchbox').fill('道路维修');
      await page
        .locator('.doc-count')
        .filter({ hasText: String(feedbackLogs) })
        .waitFor({ timeout: 30_000 });
      searchMs.push(Date.now() - start);
    }
    console.log(`\n# the document list of that workspace (${DOCS} docs), network off`);
    console.log(`  dashboard → list of every doc on screen: ${stats(listMs)}`);
    console.log(`  search of feedback entries answered:     ${stats(searchMs)}`);
  } finally {
    await browser.close();
    await relay.cleanup();
  }
}

await main();
