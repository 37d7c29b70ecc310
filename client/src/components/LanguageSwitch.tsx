import { CATALOGUES, isLocale, LOCALES } from '@grassroots/shared';
import { For, type JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';

/** The language picker: every locale named in its own language and script. */
export function LanguageSwitch(): JSX.Element {
  const { t, locale, setLocale } = useI18n();
  return (
    <select
      class="lang-switch"
      aria-label={t('app.language')}
      value={locale()}
      onChange={(e) => {
        const next = e.currentTarget.value;
        if (isLocale(next)) setLocale(next);
      }}
    >
      <For each={LOCALES}>
        {(l) => (
          <option value={l} lang={l} dir={CATALOGUES[l].meta.dir}>
            {CATALOGUES[l].meta.name}
          </option>
        )}
      </For>
    </select>
  );
}
