import { createSignal, type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';

/** In-app browsers (WeChat, QQ, DingTalk…) where links from group chats usually open. */
const IN_APP_BROWSER = /MicroMessenger|WeChat|\bQQ\/|DingTalk|Weibo/i;
const DISMISSED_KEY = 'grassroots.inAppNoticeDismissed';

function wasDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * Says plainly when the browser is a poor home for the app: an app's built-in browser (data may
 * be cleared, offline may not work) or a browser without IndexedDB. Shown once per device until
 * dismissed; the missing-storage warning cannot be dismissed.
 */
export function BrowserNotice(): JSX.Element {
  const { t } = useI18n();
  const isInApp = IN_APP_BROWSER.test(navigator.userAgent);
  const hasLocalStorage = typeof indexedDB !== 'undefined';
  const [isDismissed, setDismissed] = createSignal(wasDismissed());
  const [isCopied, setCopied] = createSignal(false);
  const dismiss = () => {
    setDismissed(true);
    try {
      localStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // Nothing to remember it in: the notice comes back next time, which is harmless.
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      setCopied(true);
    } catch {
      // Clipboard refused (common in in-app browsers): the address bar still has the link.
    }
  };
  return (
    <>
      <Show when={!hasLocalStorage}>
        <div class="banner problem-banner browser-notice" role="alert">
          <p>{t('app.noLocalStorage')}</p>
        </div>
      </Show>
      <Show when={hasLocalStorage && isInApp && !isDismissed()}>
        <div class="banner browser-notice" role="status">
          <p>{t('app.inAppBrowser')}</p>
          <div class="actions">
            <button type="button" class="btn" onClick={copy}>
              {isCopied() ? t('app.linkCopied') : t('app.copyLink')}
            </button>
            <button type="button" class="btn" onClick={dismiss}>
              {t('app.dismiss')}
            </button>
          </div>
        </div>
      </Show>
    </>
  );
}
