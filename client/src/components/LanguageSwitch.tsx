import type { JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';

export function LanguageSwitch(): JSX.Element {
  const { t, locale, setLocale } = useI18n();
  return (
    <button
      type="button"
      class="btn-link lang-switch"
      // Named by what it shows (the other language), so a voice command can say it.
      title={t('app.language')}
      onClick={() => setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN')}
      lang={locale() === 'zh-CN' ? 'en' : 'zh-CN'}
    >
      {t('app.switchTo')}
    </button>
  );
}
