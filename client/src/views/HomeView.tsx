import { createEffect, createSignal, For, type JSX, on, onCleanup, Show } from 'solid-js';
import { useApp } from '../AppContext.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { type AttentionSummary, keptAttention } from '../model/attention.ts';
import { createLocalDemo } from '../model/demoWorkspace.ts';
import { hrefOf, navigate } from '../routing/routes.ts';

/** The device's workspaces, and the local demo for a first look. */
export function HomeView(): JSX.Element {
  const { t } = useI18n();
  const app = useApp();
  const [isCreating, setCreating] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const hasDemo = () => app.workspaces().some((w) => w.isLocalDemo);
  /**
   * HOME-1: what each workspace's dashboard would flag, kept from an earlier visit or read from
   * the device's copy one workspace after another (a township reviewer's phone holds many
   * villages), shown as each is ready.
   */
  const [summaries, setSummaries] = createSignal<ReadonlyMap<string, AttentionSummary | null>>(
    new Map(),
  );
  createEffect(
    on(
      () => (app.isReady() ? app.workspaces().map((w) => w.id) : []),
      (ids) => {
        let isGone = false;
        onCleanup(() => {
          isGone = true;
        });
        void (async () => {
          for (const id of ids) {
            const summary = await keptAttention(app.store, id).catch(() => null);
            if (isGone) return;
            setSummaries((before) => new Map(before).set(id, summary));
          }
        })();
      },
    ),
  );
  const tryDemo = async () => {
    setCreating(true);
    setError(null);
    try {
      const entry = await createLocalDemo(app.store, t('demo.name'));
      await app.reloadWorkspaces();
      navigate({ name: 'workspace', workspaceId: entry.id, view: 'dashboard' });
    } catch (e) {
      setError(String(e));
    } finally {
      setCreating(false);
    }
  };
  return (
    <main id="main" class="page narrow">
      <h1>{t('home.title')}</h1>
      <Show when={app.isReady()} fallback={<p class="muted">{t('app.loading')}</p>}>
        <Show when={app.workspaces().length > 0} fallback={<p class="empty">{t('home.empty')}</p>}>
          <ul class="card-list">
            <For each={app.workspaces()}>
              {(w) => (
                <li class="card">
                  <a
                    class="card-link"
                    href={hrefOf({ name: 'workspace', workspaceId: w.id, view: 'dashboard' })}
                  >
                    <strong>
                      <bdi>{w.name}</bdi>
                    </strong>
                    <span class="muted small">
                      {w.isLocalDemo ? (
                        t('home.localDemo')
                      ) : (
                        <>
                          {t('home.role', { role: t(`role.${w.role}`) })} ·{' '}
                          <bdi>{w.displayName}</bdi>
                        </>
                      )}
                    </span>
                    <Show when={summaries().get(w.id)}>
                      {(summary) => <AttentionLine summary={summary()} />}
                    </Show>
                  </a>
                  <Show when={w.isLocalDemo}>
                    <button
                      type="button"
                      class="btn-link small"
                      onClick={() => void app.removeWorkspace(w.id)}
                    >
                      {t('home.removeDemo')}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={!hasDemo()}>
          <section class="demo-box">
            <button
              type="button"
              class="btn primary"
              disabled={isCreating()}
              onClick={() => void tryDemo()}
            >
              {isCreating() ? t('home.demoCreating') : t('home.tryDemo')}
            </button>
            <p class="muted small">{t('home.demoHint')}</p>
          </section>
        </Show>
        <Show when={error()}>
          {(e) => <p class="error">{t('common.error', { message: e() })}</p>}
        </Show>
      </Show>
      <p class="muted small hint">{t('app.wechatHint')}</p>
    </main>
  );
}

/** A workspace's two figures on its card: missed meeting periods and feedback to follow up. */
function AttentionLine(props: { summary: AttentionSummary }): JSX.Element {
  const { t } = useI18n();
  const s = () => props.summary;
  return (
    <span
      class="home-attention"
      data-missed={s().missedMeetings ?? 'unknown'}
      data-feedback={s().feedback}
    >
      <Show when={s().missedMeetings === null}>
        <span class="tag">{t('home.meetingsNotHere')}</span>
      </Show>
      <Show when={(s().missedMeetings ?? 0) > 0}>
        <span class="tag bad">{t('home.missedMeetings', { n: s().missedMeetings ?? 0 })}</span>
      </Show>
      <Show when={s().feedback > 0}>
        <span class="tag warn">{t('home.feedbackAttention', { n: s().feedback })}</span>
      </Show>
      <Show when={s().missedMeetings === 0 && s().feedback === 0}>
        <span class="tag ok">{t('home.allOnTime')}</span>
      </Show>
    </span>
  );
}
