import type { JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';

export function LanguageSwitch(): JSX.Element {
  const { t, locale, setLocale } = useI18n();
  return (
    <button
      type="button"
      class="btn-link lang-switch"
      aria-label={t('app.language')}
      onClick={() => setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN')}
      lang={locale() === 'zh-CN' ? 'en' : 'zh-CN'}
    >
      {t('app.switchTo')}
    </button>
  );
}
