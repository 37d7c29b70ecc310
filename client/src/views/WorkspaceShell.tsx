import { createEffect, type JSX, on, onCleanup, onMount, Show } from 'solid-js';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { SyncBadge } from '../components/SyncBadge.tsx';
import { SyncNotices } from '../components/SyncNotices.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { LEDGER_VIEWS } from '../ledgers/LedgerBar.tsx';
import { hrefOf, type WorkspaceView } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * How far the header scrolls away on a phone before it sticks: everything above the sync badge's
 * row (brand, language, tabs), so only the save state and any trouble with saving stay in view
 * and the page (with the keyboard open, a third of a small screen) keeps the rest. On a wide
 * screen the stylesheet keeps the whole header (`--topbar-scroll-away` is used below 600 px only).
 * `--topbar-height` lets the page keep a focused field out from under what stays.
 */
function pinStatusRow(header: HTMLElement): () => void {
  const root = document.documentElement.style;
  const measure = () => {
    const badge = header.querySelector('.sync-badge');
    if (!badge) return;
    const box = header.getBoundingClientRect();
    const away = badge.getBoundingClientRect().top - box.top - 6;
    root.setProperty('--topbar-scroll-away', `${Math.max(0, Math.round(away))}px`);
    root.setProperty('--topbar-height', `${Math.round(box.height)}px`);
  };
  const observer = new ResizeObserver(measure);
  observer.observe(header);
  measure();
  return () => {
    observer.disconnect();
    root.removeProperty('--topbar-scroll-away');
    root.removeProperty('--topbar-height');
  };
}

/**
 * Scrolls a row of tabs sideways (only) so its current tab is in view, or back to its start on a
 * page of none (a document): on a phone the tabs are one row wider than the screen, and the page
 * opened may be one of the last.
 */
function showCurrentTab(nav: HTMLElement): void {
  if (nav.scrollWidth <= nav.clientWidth) return;
  const tab = nav.querySelector('[aria-current="page"]');
  if (!tab) {
    nav.scrollLeft = 0;
    return;
  }
  const row = nav.getBoundingClientRect();
  const box = tab.getBoundingClientRect();
  const margin = 24;
  if (box.left < row.left) nav.scrollBy({ left: box.left - row.left - margin });
  else if (box.right > row.right) nav.scrollBy({ left: box.right - row.right + margin });
}

/**
 * Marks the sides of a row of tabs where more tabs are out of view (`data-more-left`,
 * `data-more-right`): the stylesheet fades the row out there, so a phone shows there is more to
 * scroll to, at either end and in either direction of writing.
 */
function markHiddenTabs(nav: HTMLElement): () => void {
  const mark = () => {
    const row = nav.getBoundingClientRect();
    let left = row.left;
    let right = row.right;
    for (const tab of nav.children) {
      const box = tab.getBoundingClientRect();
      left = Math.min(left, box.left);
      right = Math.max(right, box.right);
    }
    nav.toggleAttribute('data-more-left', left < row.left - 1);
    nav.toggleAttribute('data-more-right', right > row.right + 1);
  };
  const observer = new ResizeObserver(mark);
  observer.observe(nav);
  // A tab's width changes with the language, the row's may not.
  for (const tab of nav.children) observer.observe(tab);
  nav.addEventListener('scroll', mark, { passive: true });
  mark();
  return () => {
    observer.disconnect();
    nav.removeEventListener('scroll', mark);
  };
}

/** Header (workspace, sync badge), navigation and the page below. */
export function WorkspaceShell(props: {
  active: WorkspaceView | null;
  children: JSX.Element;
}): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const link = (view: WorkspaceView) =>
    hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view });
  const current = (view: WorkspaceView) => (props.active === view ? 'page' : undefined);
  let header!: HTMLElement;
  let tabs!: HTMLElement;
  onMount(() => {
    onCleanup(pinStatusRow(header));
    onCleanup(markHiddenTabs(tabs));
  });
  createEffect(
    on(
      () => props.active,
      () => queueMicrotask(() => showCurrentTab(tabs)),
    ),
  );
  return (
    <>
      <header class="topbar" ref={header}>
        <div class="topbar-row">
          <a class="brand" href="#/" title={t('nav.workspaces')}>
            <span class="brand-mark" aria-hidden="true">
              村
            </span>
            {/* Its own direction, so a long Chinese name in a Uyghur page is cut at its end (the
                ellipsis sat at the page's end, the name's start, and hid the village's name). */}
            <span class="brand-name" dir="auto">
              {ws.entry.name}
            </span>
          </a>
          <LanguageSwitch />
        </div>
        <div class="topbar-row">
          <nav class="tabs" aria-label={t('app.name')} ref={tabs}>
            <a href={link('dashboard')} aria-current={current('dashboard')}>
              {t('nav.dashboard')}
            </a>
            <a href={link('docs')} aria-current={current('docs')}>
              {t('nav.documents')}
            </a>
            <a href={link('roster')} aria-current={current('roster')}>
              {t('nav.roster')}
            </a>
            <a
              href={link('meetings-ledger')}
              aria-current={
                (LEDGER_VIEWS as readonly (WorkspaceView | null)[]).includes(props.active)
                  ? 'page'
                  : undefined
              }
            >
              {t('nav.ledgers')}
            </a>
            <Show when={ws.can('manageMembers')}>
              <a href={link('services')} aria-current={current('services')}>
                {t('nav.services')}
              </a>
            </Show>
            <Show when={!ws.entry.isLocalDemo}>
              <a href={link('board')} aria-current={current('board')}>
                {t('nav.board')}
              </a>
              <a href={link('members')} aria-current={current('members')}>
                {t('nav.members')}
              </a>
            </Show>
          </nav>
          <SyncBadge />
        </div>
        <SyncNotices />
      </header>
      <Show when={ws.entry.isLocalDemo}>
        <p class="banner demo-banner">{t('demo.notice')}</p>
      </Show>
      <Show when={!ws.can('write')}>
        <p class="banner readonly-banner">{t('common.readOnlyNotice')}</p>
      </Show>
      <main id="main" class="page">
        {props.children}
      </main>
    </>
  );
}

/**
 * A screen that needs the relay (members and invites, the public board): the local demo has
 * none, so it says so instead of failing when opened by its address.
 */
export function ServerOnly(props: { children: JSX.Element }): JSX.Element {
  const ws = useWorkspace();
  const { t } = useI18n();
  return (
    <Show
      when={!ws.entry.isLocalDemo}
      fallback={
        <p class="panel notice" data-server-only>
          {t('demo.serverOnly')}
        </p>
      }
    >
      {props.children}
    </Show>
  );
}
