import { type Accessor, createSignal, onCleanup } from 'solid-js';

export type WorkspaceView =
  | 'dashboard'
  | 'docs'
  | 'roster'
  | 'meetings-ledger'
  | 'feedback-ledger'
  | 'report'
  | 'services'
  | 'members'
  | 'board';

export type Route =
  | { name: 'home' }
  | { name: 'join'; token: string }
  | { name: 'workspace'; workspaceId: string; view: WorkspaceView }
  /**
   * A doc; `find`: what a search found it by (a feedback log opens filtered by it); `entry`: one
   * entry of a feedback log, opened and shown (from a ledger row or the dashboard).
   */
  | { name: 'doc'; workspaceId: string; docId: string; find?: string; entry?: string }
  | { name: 'history'; workspaceId: string; docId: string }
  /** A doc on paper; `entryId`: one entry of it (a feedback entry's 办理单). */
  | { name: 'print'; workspaceId: string; docId: string; entryId?: string }
  /** Every minutes record of a year, one after the other, for paper (the year's 会议记录). */
  | { name: 'minutesBook'; workspaceId: string; year: number }
  | { name: 'notFound' };

const VIEWS: readonly WorkspaceView[] = [
  'dashboard',
  'docs',
  'roster',
  'meetings-ledger',
  'feedback-ledger',
  'report',
  'services',
  'members',
  'board',
];

/** Reads a `#/…` fragment. Invite tokens live in the fragment so they never reach a server log. */
export function parseHash(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').replace(/^\/+/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home' };
  if (parts[0] === 'join' && parts[1]) return { name: 'join', token: parts[1] };
  if (parts[0] === 'w' && parts[1]) {
    if (parts.length === 2) return { name: 'workspace', workspaceId: parts[1], view: 'dashboard' };
    if (parts[2] === 'd' && parts[3] && parts.length === 4) {
      const params = new URLSearchParams(search);
      const find = params.get('find');
      const entry = params.get('entry');
      return {
        name: 'doc',
        workspaceId: parts[1],
        docId: parts[3],
        ...(find ? { find } : {}),
        ...(entry ? { entry } : {}),
      };
    }
    if (parts[2] === 'd' && parts[3] && parts[4] === 'history' && parts.length === 5)
      return { name: 'history', workspaceId: parts[1], docId: parts[3] };
    if (parts[2] === 'd' && parts[3] && parts[4] === 'print' && parts.length === 5)
      return { name: 'print', workspaceId: parts[1], docId: parts[3] };
    if (parts[2] === 'd' && parts[3] && parts[4] === 'print' && parts[5] && parts.length === 6)
      return { name: 'print', workspaceId: parts[1], docId: parts[3], entryId: parts[5] };
    if (parts[2] === 'minutes-book' && parts.length === 4 && /^\d{4}$/.test(parts[3] ?? ''))
      return { name: 'minutesBook', workspaceId: parts[1], year: Number(parts[3]) };
    const view = VIEWS.find((v) => v === parts[2]);
    if (view && parts.length === 3) return { name: 'workspace', workspaceId: parts[1], view };
  }
  return { name: 'notFound' };
}

/** The fragment of a route, for links. */
export function hrefOf(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'home':
    case 'notFound':
      return '#/';
    case 'join':
      return `#/join/${e(route.token)}`;
    case 'workspace':
      return route.view === 'dashboard'
        ? `#/w/${e(route.workspaceId)}`
        : `#/w/${e(route.workspaceId)}/${route.view}`;
    case 'doc': {
      const params = new URLSearchParams({
        ...(route.find ? { find: route.find } : {}),
        ...(route.entry ? { entry: route.entry } : {}),
      }).toString();
      return `#/w/${e(route.workspaceId)}/d/${e(route.docId)}${params ? `?${params}` : ''}`;
    }
    case 'history':
      return `#/w/${e(route.workspaceId)}/d/${e(route.docId)}/history`;
    case 'minutesBook':
      return `#/w/${e(route.workspaceId)}/minutes-book/${route.year}`;
    case 'print':
      return `#/w/${e(route.workspaceId)}/d/${e(route.docId)}/print${
        route.entryId ? `/${e(route.entryId)}` : ''
      }`;
  }
}

export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}

/** Where each history entry of this tab was scrolled when it was left, by its place in history. */
const scrolledTo = new Map<number, number>();

/** The place in history of the entry shown now (kept in `history.state`). */
const entryAt = (): number | undefined => {
  const at = (history.state as { at?: unknown } | null)?.at;
  return typeof at === 'number' ? at : undefined;
};

/** How long a page coming back may take to grow tall enough to be scrolled where it was, ms. */
const RESTORE_FOR_MS = 3000;

/**
 * Scrolls to `y` once the page is that tall (a list drawn bit by bit, docs still being built),
 * trying for a while; the person scrolling, tapping or typing in the meantime ends it.
 */
function scrollWhenTall(y: number): void {
  const until = performance.now() + RESTORE_FOR_MS;
  const events = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer !== null) clearTimeout(timer);
    for (const e of events) window.removeEventListener(e, stop);
  };
  const attempt = () => {
    timer = null;
    const room = document.documentElement.scrollHeight - window.innerHeight;
    window.scrollTo(0, Math.min(y, room));
    if (room >= y || performance.now() > until) stop();
    else timer = setTimeout(attempt, 100);
  };
  for (const e of events) window.addEventListener(e, stop, { passive: true });
  requestAnimationFrame(attempt);
}

/**
 * The current route, following `hashchange`. A page reached through a link opens at its top; one
 * reached with back or forward opens where it was left, once it has been drawn that far (the
 * browser's own restoring runs before the app has drawn it and stops short). Each entry is
 * numbered in `history.state` to tell the two apart.
 */
export function createHashRoute(): Accessor<Route> {
  const [route, setRoute] = createSignal<Route>(parseHash(location.hash));
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  let current = entryAt() ?? 0;
  let last = current;
  if (entryAt() === undefined) history.replaceState({ ...history.state, at: current }, '');
  const onChange = () => {
    scrolledTo.set(current, window.scrollY);
    const at = entryAt();
    setRoute(parseHash(location.hash));
    if (at === undefined) {
      current = ++last;
      history.replaceState({ ...history.state, at: current }, '');
      requestAnimationFrame(() => window.scrollTo(0, 0));
    } else {
      current = at;
      last = Math.max(last, at);
      scrollWhenTall(scrolledTo.get(at) ?? 0);
    }
  };
  window.addEventListener('hashchange', onChange);
  onCleanup(() => window.removeEventListener('hashchange', onChange));
  return route;
}
