import { createEffect, createMemo, type JSX, lazy, Match, Show, Suspense, Switch } from 'solid-js';
import { useApp } from './AppContext.tsx';
import { BoardView } from './board/BoardView.tsx';
import { BrowserNotice } from './components/BrowserNotice.tsx';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { ProblemsNotice } from './components/ProblemsNotice.tsx';
import { useI18n } from './i18n/I18nProvider.tsx';
import { pageTitle } from './pageTitle.ts';
import { createHashRoute, type WorkspaceView } from './routing/routes.ts';
import { isSameButColour } from './sync/LocalStore.ts';
import { DashboardView } from './views/DashboardView.tsx';
import { DocsView } from './views/DocsView.tsx';
import { DocView } from './views/DocView.tsx';
import { HomeView } from './views/HomeView.tsx';
import { JoinView } from './views/JoinView.tsx';
import { MembersView } from './views/MembersView.tsx';
import { RosterView } from './views/RosterView.tsx';
import { ServicesView } from './views/ServicesView.tsx';
import { ServerOnly, WorkspaceShell } from './views/WorkspaceShell.tsx';
import { WorkspaceProvider } from './WorkspaceContext.tsx';

// History is opened on request and needs the network: keep it out of the first screen.
const HistoryView = lazy(() => import('./history/HistoryView.tsx'));
// Printing a record is occasional: its own chunk.
const DocPrint = lazy(() => import('./print/DocPrint.tsx'));
const MinutesBook = lazy(() => import('./print/MinutesBook.tsx'));
// Ledgers and reports are opened now and then: each its own chunk (exports load exceljs on top).
const MeetingLedgerView = lazy(() => import('./ledgers/MeetingLedgerView.tsx'));
const FeedbackLedgerView = lazy(() => import('./ledgers/FeedbackLedgerView.tsx'));
const ReportView = lazy(() => import('./ledgers/ReportView.tsx'));

/** Routes to the screens; a workspace's screens share one open WorkspaceSync. */
export function App(): JSX.Element {
  const { t } = useI18n();
  const app = useApp();
  const route = createHashRoute();
  const workspaceId = createMemo(() => {
    const r = route();
    return r.name === 'workspace' ||
      r.name === 'doc' ||
      r.name === 'history' ||
      r.name === 'print' ||
      r.name === 'minutesBook'
      ? r.workspaceId
      : null;
  });
  const entry = createMemo(
    () => {
      const id = workspaceId();
      return id === null ? undefined : app.workspaces().find((w) => w.id === id);
    },
    undefined,
    // The workspace reopens with a changed entry (a new role, a new name). Not for a colour first
    // learnt (a device that joined before members had colours): that remounted every editor a
    // moment after opening, and a phrase being typed with an input method was lost. Such a colour
    // applies from the next opening.
    { equals: (a, b) => a === b || (a !== undefined && b !== undefined && isSameButColour(a, b)) },
  );
  // The tab's title in the reader's language, led by the document open (it always read
  // "Grassroots 村务协作", in Uyghur too).
  createEffect(() => {
    const title = pageTitle();
    document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  });
  const loading = <p class="page muted">{t('app.loading')}</p>;
  /** The header of the screens outside a workspace (home, join): the app's name and the language. */
  const topbar = () => (
    <header class="topbar">
      <div class="topbar-row">
        <span class="brand">
          <span class="brand-mark" aria-hidden="true">
            村
          </span>
          <span class="brand-name">{t('app.name')}</span>
        </span>
        <LanguageSwitch />
      </div>
    </header>
  );
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skipToMain')}
      </a>
      <BrowserNotice />
      <ProblemsNotice />
      <Switch
        fallback={
          <main id="main" class="page narrow">
            <p>{t('app.notFound')}</p>
            <a href="#/">{t('app.home')}</a>
          </main>
        }
      >
        <Match when={route().name === 'home'}>
          {topbar()}
          <HomeView />
        </Match>
        <Match when={route().name === 'join' && route()}>
          {(r) => (
            <>
              {/* The language is chosen before joining too: many read Uyghur on a phone set to
                  Chinese. */}
              {topbar()}
              <JoinView token={(r() as { token: string }).token} />
            </>
          )}
        </Match>
        <Match when={workspaceId() !== null && !app.isReady()}>{loading}</Match>
        <Match when={entry()} keyed>
          {(e) => (
            <WorkspaceProvider entry={e} fallback={loading}>
              <Switch>
                <Match
                  when={(() => {
                    const r = route();
                    return r.name === 'doc' ? r.docId : null;
                  })()}
                  keyed
                >
                  {(docId) => (
                    <WorkspaceShell active={null}>
                      <DocView
                        docId={docId}
                        find={(() => {
                          const r = route();
                          return r.name === 'doc' ? r.find : undefined;
                        })()}
                        entry={(() => {
                          const r = route();
                          return r.name === 'doc' ? r.entry : undefined;
                        })()}
                      />
                    </WorkspaceShell>
                  )}
                </Match>
                <Match
                  when={(() => {
                    const r = route();
                    return r.name === 'history' ? r.docId : null;
                  })()}
                  keyed
                >
                  {(docId) => (
                    <WorkspaceShell active={null}>
                      <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                        <HistoryView docId={docId} />
                      </Suspense>
                    </WorkspaceShell>
                  )}
                </Match>
                <Match
                  when={(() => {
                    const r = route();
                    return r.name === 'print' ? r : null;
                  })()}
                  keyed
                >
                  {(r) => (
                    <WorkspaceShell active={null}>
                      <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                        <DocPrint docId={r.docId} entryId={r.entryId} />
                      </Suspense>
                    </WorkspaceShell>
                  )}
                </Match>
                <Match
                  when={(() => {
                    const r = route();
                    return r.name === 'minutesBook' ? r.year : null;
                  })()}
                  keyed
                >
                  {(year) => (
                    <WorkspaceShell active={null}>
                      <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                        <MinutesBook year={year} />
                      </Suspense>
                    </WorkspaceShell>
                  )}
                </Match>
                <Match when={route().name === 'workspace' && route()}>
                  {(r) => {
                    const view = () => (r() as { view: WorkspaceView }).view;
                    return (
                      <WorkspaceShell active={view()}>
                        <Show when={view() === 'dashboard'}>
                          <DashboardView />
                        </Show>
                        <Show when={view() === 'docs'}>
                          <DocsView />
                        </Show>
                        <Show when={view() === 'roster'}>
                          <RosterView />
                        </Show>
                        <Show when={view() === 'meetings-ledger'}>
                          <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                            <MeetingLedgerView />
                          </Suspense>
                        </Show>
                        <Show when={view() === 'feedback-ledger'}>
                          <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                            <FeedbackLedgerView />
                          </Suspense>
                        </Show>
                        <Show when={view() === 'report'}>
                          <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                            <ReportView />
                          </Suspense>
                        </Show>
                        <Show when={view() === 'services'}>
                          <ServicesView />
                        </Show>
                        <Show when={view() === 'members'}>
                          <ServerOnly>
                            <MembersView />
                          </ServerOnly>
                        </Show>
                        <Show when={view() === 'board'}>
                          <ServerOnly>
                            <BoardView />
                          </ServerOnly>
                        </Show>
                      </WorkspaceShell>
                    );
                  }}
                </Match>
              </Switch>
            </WorkspaceProvider>
          )}
        </Match>
      </Switch>
    </>
  );
}
