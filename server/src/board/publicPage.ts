import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  beijingDate,
  formatBeijing,
  LOCALES,
  type Locale,
  localeMeta,
  type MessageKey,
  type Params,
  type PublicDecision,
  type PublicItem,
  PublicLimits,
  type PublicNotice,
  type PublicPlan,
  translator,
} from '@grassroots/shared';
import { Counts } from '../counts.ts';
import type { ServerDeps } from '../deps.ts';
import { clientAddress } from '../http/json.ts';
import { requestLocale } from '../http/locale.ts';
import type { LivePublication } from '../storage/PublicBoardStore.ts';
import { parsePublication } from './routes.ts';

/** `/p/<publicId>` and `/p/<publicId>.json`; anything else under `/p/` is not found (PUB-3). */
const PAGE_PATH = /^\/p\/([A-Za-z0-9_-]{16,64})(\.json)?$/;

/**
 * How long a browser or proxy may keep the page without asking again: a withdrawn item is gone
 * from every copy within this time, at once on a reload (which revalidates with the ETag).
 */
export const PUBLIC_MAX_AGE_S = 30;

/** One item as the public page and its JSON twin show it: no ids, no names (PUB-3). */
type ShownItem = { postedAt: number; updatedAt: number | null; item: PublicItem };

/**
 * Text as HTML: markup characters escaped, and control characters HTML has no place for (NUL,
 * escapes, C1 controls) left out; tabs and line breaks stay.
 */
const html = (s: string) =>
  s
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it removes
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    );

/** A date or time, kept left to right inside any sentence (a Uyghur one reverses bare digits' runs). */
const dateHtml = (text: string) => `<bdi dir="ltr" class="d">${html(text)}</bdi>`;

/**
 * A catalogue message with parameters put in as markup: the sentence's own words escaped, each
 * value already HTML (as `Sentence` does in the app).
 */
function sentence(t: T['t'], key: MessageKey, markup: Record<string, string>): string {
  const template = t(key);
  let out = '';
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const value = markup[m[1] ?? ''];
    if (value === undefined) continue;
    out += html(template.slice(last, m.index)) + value;
    last = m.index + m[0].length;
  }
  return out + html(template.slice(last));
}

/** Paragraphs of typed text: blank lines split them, single newlines are kept. */
const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p dir="auto">${html(p).replaceAll('\n', '<br>')}</p>`)
    .join('');

/**
 * The page's whole style: small, inline, logical properties only (it mirrors for Uyghur), and an
 * A4 print layout without the language row for the physical 公开栏.
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Noto Sans CJK SC","Noto Sans Arabic","Microsoft YaHei",sans-serif;color:#1b1b1b;background:#f6f4ef}
header,main,footer{max-inline-size:46rem;margin-inline:auto;padding-inline:1rem}
header{padding-block:1rem .5rem;border-block-end:4px solid #b3261e}
h1{font-size:1.5rem;margin:0}
.sub{margin:.25rem 0 0;color:#555;font-size:.9rem}
.langs{display:flex;flex-wrap:wrap;gap:.25rem;justify-content:flex-end;font-size:.9rem;margin-block-end:.25rem}
.langs a{color:#0b57d0;display:inline-flex;align-items:center;min-block-size:44px;padding-inline:.5rem}
.langs a[aria-current]{color:#1b1b1b;font-weight:700;text-decoration:none}
article{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin-block:1rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:.25rem 0}
h3{font-size:1rem;margin:.75rem 0 .25rem}
.meta{color:#555;font-size:.85rem;margin:0}
.kind{display:inline-block;font-size:.8rem;background:#b3261e;color:#fff;border-radius:3px;padding-inline:.4rem;margin-inline-end:.5rem}
ol,ul{margin:.25rem 0;padding-inline-start:1.5rem}
li{margin-block:.15rem}
.ok{color:#146c2e;font-weight:700}
.no{color:#b3261e;font-weight:700}
.todo{color:#777}
.d{white-space:nowrap}
.bar{block-size:.6rem;background:#e4e1da;border-radius:3px;overflow:hidden}
.bar i{display:block;block-size:100%;background:#146c2e}
footer{color:#666;font-size:.8rem;padding-block:1rem 2rem}
@page{size:A4;margin:15mm}
@media print{body{background:#fff;font-size:11pt}.langs{display:none}header,main,footer{max-inline-size:none;padding-inline:0}article{break-inside:avoid;border-color:#999}}
`
  .replaceAll('\n', '')
  .trim();

type T = ReturnType<typeof translator>;

function decisionHtml(d: PublicDecision, { t, label }: T): string {
  const steps = d.steps
    .map((s) => {
      const name = `<strong>${html(label('decisionStep', s.step))}</strong>`;
      if (s.at === null)
        return `<li>${name} <span class="todo">${html(t('board.stepNotDone'))}</span></li>`;
      const parts = [dateHtml(beijingDate(s.at))];
      if (s.tally) {
        const counts: Params = { ...s.tally, present: s.present ?? 0, entitled: s.entitled ?? 0 };
        // VOTE-9: the base the vote is judged against, where the item gives it.
        const key =
          s.present !== null
            ? 'board.tallyPresent'
            : s.entitled != null
              ? 'board.tallyEntitled'
              : 'board.tally';
        parts.push(html(t(key, counts)));
      }
      if (s.passed !== null) {
        parts.push(
          `<span class="${s.passed ? 'ok' : 'no'}">${html(label('voteOutcome', s.passed ? 'passed' : 'rejected'))}</span>`,
        );
      }
      return `<li>${name} ${parts.join(' · ')}</li>`;
    })
    .join('');
  return [
    d.resolution.trim() ? `<h3>${html(t('board.resolution'))}</h3>${paragraphs(d.resolution)}` : '',
    `<h3>${html(t('board.steps'))}</h3><ol>${steps}</ol>`,
    d.result.trim() ? `<h3>${html(t('board.result'))}</h3>${paragraphs(d.result)}` : '',
  ].join('');
}

function planHtml(p: PublicPlan, { t, label }: T): string {
  const percent = (done: number, total: number) => (total ? Math.round((done / total) * 100) : 0);
  const bar = (done: number, total: number) =>
    `<div class="bar" role="img" aria-label="${percent(done, total)}%"><i style="inline-size:${percent(done, total)}%"></i></div>`;
  const phases = p.phases
    .map((ph) => {
      const tasks = ph.tasks
        .map(
          (task) =>
            `<li><bdi>${html(task.title)}</bdi> · <span class="${task.status === 'done' ? 'ok' : task.status === 'blocked' ? 'no' : ''}">${html(label('taskStatus', task.status))}</span></li>`,
        )
        .join('');
      const heading = ph.title.trim() ? html(ph.title) : html(t('board.unassignedPhase'));
      return `<h3>${heading} <span class="meta">${html(t('board.progress', { done: ph.done, total: ph.total }))}</span></h3>${bar(ph.done, ph.total)}<ul>${tasks}</ul>`;
    })
    .join('');
  return [
    `<p>${html(t('board.progress', { done: p.done, total: p.total }))}</p>`,
    bar(p.done, p.total),
    phases,
    p.omittedTasks
      ? `<p class="meta">${html(t('board.omittedTasks', { n: p.omittedTasks }))}</p>`
      : '',
  ].join('');
}

const noticeHtml = (n: PublicNotice) => paragraphs(n.body);

/** The whole page: the village's name, then each live item, newest first. */
export function renderBoardPage(
  workspaceName: string,
  items: readonly ShownItem[],
  locale: Locale,
  publicId: string,
): string {
  const tr = translator(locale);
  const { t } = tr;
  const meta = localeMeta(locale);
  const langs = LOCALES.map(
    (l) =>
      `<a href="/p/${publicId}?locale=${l}" hreflang="${l}" lang="${l}"${l === locale ? ' aria-current="true"' : ''}>${html(localeMeta(l).name)}</a>`,
  ).join('');
  const articles = items
    .map(({ postedAt, updatedAt, item }) => {
      const body =
        item.kind === 'decision'
          ? decisionHtml(item, tr)
          : item.kind === 'plan'
            ? planHtml(item, tr)
            : noticeHtml(item);
      const dates = [sentence(t, 'board.postedAt', { date: dateHtml(formatBeijing(postedAt)) })];
      if (updatedAt !== null)
        dates.push(sentence(t, 'board.updatedAt', { date: dateHtml(formatBeijing(updatedAt)) }));
      return `<article><h2 dir="auto"><span class="kind">${html(t(`board.kind.${item.kind}` as MessageKey))}</span><bdi>${html(item.title)}</bdi></h2><p class="meta">${dates.join(' · ')}</p>${body}</article>`;
    })
    .join('');
  const title = `${workspaceName} · ${t('board.heading')}`;
  return `<!doctype html><html lang="${locale}" dir="${meta.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${html(title)}</title><style>${STYLE}</style></head><body><header><nav class="langs" aria-label="${html(t('app.language'))}">${langs}</nav><h1><bdi>${html(workspaceName)}</bdi></h1><p class="sub">${html(t('board.heading'))} · ${html(t('board.timeZone'))}</p></header><main>${articles || `<p>${html(t('board.empty'))}</p>`}</main><footer>${html(t('board.footer'))}</footer></body></html>`;
}

/** What a live version shows: its item, when it was first posted and, if republished, updated. */
export function shownItems(rows: readonly LivePublication[]): ShownItem[] {
  const shown: ShownItem[] = [];
  // PUB-11 as read too: a board filled before the limit shows its newest items up to it.
  let bytes = 0;
  for (const row of rows) {
    bytes += Buffer.byteLength(row.content);
    if (bytes > PublicLimits.boardMiB * 1024 * 1024) break;
    const item = parsePublication(row);
    if (!item) continue;
    shown.push({
      postedAt: row.firstPublishedAt,
      updatedAt: row.version > 1 ? row.publishedAt : null,
      item,
    });
  }
  return shown;
}

/** The JSON twin: the same items, without the source ids the app uses to republish them. */
function boardJson(workspaceName: string, items: readonly ShownItem[]) {
  return {
    workspace: workspaceName,
    items: items.map(({ postedAt, updatedAt, item }) => {
      const { sourceId: _sourceId, ...shown } = item;
      return {
        ...shown,
        postedAt: new Date(postedAt).toISOString(),
        updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(),
      };
    }),
  };
}

/** A bare 404: it says nothing about whether a board, a workspace or an item exists. */
function notFound(res: ServerResponse): void {
  res.writeHead(404, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end('404');
}

/** A page as rendered once and sent to every reader until the board changes (PUB-10). */
type RenderedPage = { version: string; body: Buffer; etag: string };

/** Bytes of rendered pages kept, all boards together; the least recently read go first. */
const PAGE_CACHE_BYTES = 64 * 1024 * 1024;
/** Pages waiting to be rendered at once, all boards together; past it a reader gets 503. */
const MAX_RENDERS_WAITING = 8;
/**
 * Answers of the board one address may be sent at once; past it, 429. Generous: behind a proxy
 * (nginx in `scripts/cluster.sh`) every reader comes from its address.
 */
const MAX_PAGES_PER_ADDRESS = 32;
/**
 * Bytes of pages held by answers not yet sent, all readers together, each page counted once
 * however many answers share it; past it a reader gets 503. Readers that never read, asking for
 * page after page as the cache let them go, held 3.3 GB.
 */
export const MAX_BYTES_BEING_SENT = 256 * 1024 * 1024;

/** The pages answers are still sending, each with how many answers hold it. */
export class PagesBeingSent {
  private readonly held = new Map<Buffer, number>();
  private bytes = 0;

  /** Holds `page` until `res` closes; false (nothing held) when that would pass the bound. */
  hold(page: Buffer, res: ServerResponse): boolean {
    // A reader gone while its page was rendered: its 'close' has fired already and never will
    // again, so nothing is held for it (it would be counted for good).
    if (res.destroyed) return true;
    const count = this.held.get(page) ?? 0;
    if (count === 0 && this.bytes + page.byteLength > MAX_BYTES_BEING_SENT) return false;
    if (count === 0) this.bytes += page.byteLength;
    this.held.set(page, count + 1);
    res.once('close', () => {
      const left = (this.held.get(page) ?? 1) - 1;
      if (left > 0) return void this.held.set(page, left);
      this.held.delete(page);
      this.bytes -= page.byteLength;
    });
    return true;
  }
}

/** A page that cannot be rendered now: too many are waiting (PUB-10). */
export class PagesBusy extends Error {}

/**
 * The rendered pages of this process, by board, locale and format. Each is checked against the
 * board's version on every request (one small query), so a publication or a withdrawal made
 * through any process shows at once; a page is rendered once per change, however many read it.
 * Renders run one at a time, a few more wait, and the rest are turned away: readers cycling
 * through more boards than are kept make renders, never a pile of them.
 */
export class PageCache {
  private readonly pages = new Map<string, RenderedPage>();
  private readonly rendering = new Map<string, Promise<RenderedPage>>();
  private bytes = 0;
  /** The render under way, which the next one waits for. */
  private last: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** The page for `key` at `version`: the kept one, or the one `render` makes (once at a time). */
  get(key: string, version: string, render: () => Promise<Buffer>): Promise<RenderedPage> {
    const kept = this.pages.get(key);
    if (kept?.version === version) {
      // Read again: the last to be dropped.
      this.pages.delete(key);
      this.pages.set(key, kept);
      return Promise.resolve(kept);
    }
    const flight = `${key}\u0000${version}`;
    const pending = this.rendering.get(flight);
    if (pending) return pending;
    if (this.waiting >= MAX_RENDERS_WAITING) return Promise.reject(new PagesBusy());
    this.waiting++;
    // Each render in a turn of the event loop of its own: the readers asking meanwhile are
    // heard (and past a few, turned away), and the relay serves everyone else in between.
    const made = this.last
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(render)
      .then((body) => {
        const page = {
          version,
          body,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        };
        this.keep(key, page);
        return page;
      })
      .finally(() => {
        this.waiting--;
        this.rendering.delete(flight);
      });
    this.last = made.catch(() => {});
    this.rendering.set(flight, made);
    return made;
  }

  private keep(key: string, page: RenderedPage): void {
    const old = this.pages.get(key);
    if (old) {
      this.bytes -= old.body.byteLength;
      this.pages.delete(key);
    }
    this.pages.set(key, page);
    this.bytes += page.body.byteLength;
    for (const [k, p] of this.pages) {
      if (this.bytes <= PAGE_CACHE_BYTES || k === key) break;
      this.pages.delete(k);
      this.bytes -= p.body.byteLength;
    }
  }
}

/** Too many pages asked for at once: come back in a few seconds (no detail, like a 404). */
function busy(res: ServerResponse, status: 429 | 503): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Retry-After': '5',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(String(status));
}

/**
 * Serves `/p/<publicId>` (server-rendered HTML, no script) and `/p/<publicId>.json` to anyone,
 * without an account: only the live versions of what was published (PUB-3).
 */
export function makePublicPage({
  store,
  auth,
  config,
}: Pick<ServerDeps, 'store' | 'auth'> & { config: { trustProxy: number } }) {
  const cache = new PageCache();
  const sending = new Counts();
  const beingSent = new PagesBeingSent();
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const match = PAGE_PATH.exec(url.pathname);
    if (!match || (method !== 'GET' && method !== 'HEAD')) return notFound(res);
    // PUB-10: each answer holds a page until it is read; one address holds a few at once.
    const address = clientAddress(req, config.trustProxy);
    if (sending.get(address) >= MAX_PAGES_PER_ADDRESS) return busy(res, 429);
    sending.add(address);
    res.once('close', () => sending.remove(address));
    const [, publicId, json] = match as unknown as [string, string, string | undefined];
    const board = await store.findPublicBoard(publicId);
    if (!board) return notFound(res);
    const workspace = await auth.workspace(board.workspaceId).catch(() => null);
    if (!workspace) return notFound(res);
    const locale = requestLocale(req, url);
    // PUB-10: rendered when the board, its name or its link changed, else sent as kept.
    const version = `${await store.boardVersion(board.workspaceId)}\u0000${workspace.name}`;
    const page = await cache
      .get(`${publicId}\u0000${json ? 'json' : locale}`, version, async () => {
        const items = shownItems(await store.listLiveItems(board.workspaceId));
        return Buffer.from(
          json
            ? JSON.stringify(boardJson(workspace.name, items))
            : renderBoardPage(workspace.name, items, locale, publicId),
        );
      })
      .catch((error: unknown) => {
        if (error instanceof PagesBusy) return null;
        throw error;
      });
    if (!page) return busy(res, 503);
    const { body, etag } = page;
    const headers = {
      'Content-Type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      'Cache-Control': `public, max-age=${PUBLIC_MAX_AGE_S}`,
      ETag: etag,
      // The language follows the query or Accept-Language: caches keep one copy per language.
      Vary: 'Accept-Language',
      'Content-Language': json ? undefined : locale,
      // The page runs no script and loads nothing; the link's id never leaves in a Referer.
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex',
    };
    const defined = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined));
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, defined);
      res.end();
      return;
    }
    if (method !== 'HEAD' && !beingSent.hold(body, res)) return busy(res, 503);
    res.writeHead(200, { ...defined, 'Content-Length': body.byteLength });
    res.end(method === 'HEAD' ? undefined : body);
  };
}
