import { createSignal, type JSX, Show } from 'solid-js';
import { boardApi, RelayApiError } from '../api/relayApi.ts';
import { createIsOnline } from '../history/createIsOnline.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { PublicItem } from '../model/domain.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/** The relay address of the open workspace, for the board calls. */
export function useBoardAddress() {
  const ws = useWorkspace();
  return {
    origin: ws.entry.serverOrigin,
    workspaceId: ws.entry.id,
    token: ws.entry.memberToken,
  };
}

/**
 * Whether this device can reach the relay for a board call: the browser says it is online and the
 * workspace's connection is not known to be down. Publishing never queues for later: a villager
 * must not read something the editor thinks is not yet out, so offline the buttons say so.
 */
export function createCanReachRelay(): () => boolean {
  const ws = useWorkspace();
  const isOnline = createIsOnline();
  return () => isOnline() && ws.summary().connection !== 'offline';
}

/** What a failed board call tells a person: offline, or the relay's reason in their language. */
export function useBoardErrorText(): (error: unknown) => string {
  const { t, errorText } = useI18n();
  return (error) =>
    error instanceof RelayApiError
      ? t('common.error', { message: errorText(error) })
      : t('board.offline');
}

/**
 * "发布到公开栏" for one item (a decision case, a plan): takes the snapshot at the moment of the
 * click and posts it; publishing again replaces it on the board. Editors and admins only;
 * offline the button is disabled and says why.
 */
export function PublishToBoard(props: {
  /** The item as it would be shown, taken from the model when the button is pressed. */
  snapshot: () => PublicItem;
  /** What the item publishes, in a line under the button. */
  hint: string;
  /** Extra fields shown above the button (e.g. the result of carrying a decision out). */
  children?: JSX.Element;
  /**
   * Runs just before the snapshot is taken (e.g. records the publication steps the item will
   * show); returns how to take that back if the relay refuses or cannot be reached.
   */
  prepare?: () => (() => void) | undefined;
}): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const address = useBoardAddress();
  const canReach = createCanReachRelay();
  const failureText = useBoardErrorText();
  const [state, setState] = createSignal<'idle' | 'busy' | 'done'>('idle');
  const [error, setError] = createSignal<string | null>(null);
  const publish = async () => {
    setError(null);
    setState('busy');
    let undo: (() => void) | undefined;
    try {
      undo = props.prepare?.();
      await boardApi.publish(address, props.snapshot());
      setState('done');
    } catch (err) {
      undo?.();
      setError(failureText(err));
      setState('idle');
    }
  };
  return (
    <Show when={ws.can('publish')}>
      <div class="publish-to-board">
        <Show
          when={!ws.entry.isLocalDemo}
          fallback={<p class="muted small">{t('board.localDemo')}</p>}
        >
          {props.children}
          <p class="small muted">{props.hint}</p>
          <div class="btn-row">
            <button
              type="button"
              class="btn"
              name="publishToBoard"
              disabled={!canReach() || state() === 'busy'}
              onClick={() => void publish()}
            >
              {!canReach()
                ? t('board.offlineButton')
                : state() === 'busy'
                  ? t('board.publishing')
                  : t('board.publishToBoard')}
            </button>
            <Show when={state() === 'done'}>
              <span class="small ok-text" role="status">
                {t('board.publishedOk')}{' '}
                <a href={hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view: 'board' })}>
                  {t('nav.board')}
                </a>
              </span>
            </Show>
          </div>
          <Show when={!canReach()}>
            <p class="warning small" role="note">
              {t('board.offline')}
            </p>
          </Show>
          <Show when={error()}>
            {(e) => (
              <p class="error small" role="alert">
                {e()}
              </p>
            )}
          </Show>
        </Show>
      </div>
    </Show>
  );
}
