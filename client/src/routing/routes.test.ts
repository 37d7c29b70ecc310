import { describe, expect, it } from 'vitest';
import { hrefOf, parseHash, type Route } from './routes.ts';

describe('routes', () => {
  it('reads back every link it makes, a feedback entry on paper and a search included', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'join', token: 'tok en/1' },
      { name: 'workspace', workspaceId: 'w1', view: 'dashboard' },
      { name: 'workspace', workspaceId: 'w1', view: 'roster' },
      { name: 'doc', workspaceId: 'w1', docId: 'd/1' },
      { name: 'doc', workspaceId: 'w1', docId: 'fb1', find: 'مەكتەپ 路灯 & ?#' },
      { name: 'doc', workspaceId: 'w1', docId: 'fb1', entry: 'e-1&2' },
      { name: 'doc', workspaceId: 'w1', docId: 'fb1', find: '路灯', entry: 'e1' },
      { name: 'history', workspaceId: 'w1', docId: 'd1' },
      { name: 'print', workspaceId: 'w1', docId: 'd1' },
      { name: 'print', workspaceId: 'w1', docId: 'fb1', entryId: 'e-1' },
      { name: 'minutesBook', workspaceId: 'w1', year: 2025 },
    ];
    for (const route of routes) expect(parseHash(hrefOf(route))).toEqual(route);
  });

  it('knows nothing past an entry on paper', () => {
    expect(parseHash('#/w/w1/d/fb1/print/e1/more')).toEqual({ name: 'notFound' });
    expect(parseHash('#/w/w1/d/fb1/history/e1')).toEqual({ name: 'notFound' });
  });
});
