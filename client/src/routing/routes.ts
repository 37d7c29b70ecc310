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
  | { name: 'doc'; workspaceId: string; docId: string }
  | { name: 'history'; workspaceId: string; docId: string }
  | { name: 'print'; workspaceId: string; docId: string }
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
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home' };
  if (parts[0] === 'join' && parts[1]) return { name: 'join', token: parts[1] };
  if (parts[0] === 'w' && parts[1]) {
    if (parts.length === 2) return { name: 'workspace', workspaceId: parts[1], view: 'dashboard' };
    if (parts[2] === 'd' && parts[3] && parts.length === 4)
      return { name: 'doc', workspaceId: parts[1], docId: parts[3] };
    if (parts[2] === 'd' && parts[3] && parts[4] === 'history' && parts.length === 5)
      return { name: 'history', workspaceId: parts[1], docId: parts[3] };
    if (parts[2] === 'd' && parts[3] && parts[4] === 'print' && parts.length === 5)
      return { name: 'print', workspaceId: parts[1], docId: parts[3] };
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
    case 'doc':
      return `#/w/${e(route.workspaceId)}/d/${e(route.docId)}`;
    case 'history':
      return `#/w/${e(route.workspaceId)}/d/${e(route.docId)}/history`;
    case 'print':
      return `#/w/${e(route.workspaceId)}/d/${e(route.docId)}/print`;
  }
}

export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}

/** The current route, following `hashchange`. */
export function createHashRoute(): Accessor<Route> {
  const [route, setRoute] = createSignal<Route>(parseHash(location.hash));
  const onChange = () => setRoute(parseHash(location.hash));
  window.addEventListener('hashchange', onChange);
  onCleanup(() => window.removeEventListener('hashchange', onChange));
  return route;
}
