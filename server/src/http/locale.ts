import type { IncomingMessage } from 'node:http';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '@grassroots/shared';

/**
 * The locale a request asks for: `?locale=` when given and known, else the best match of its
 * Accept-Language (by language: `ug-CN` → `ug`, `en-GB` → `en`, any `zh` → `zh-CN`), else zh-CN.
 */
export function requestLocale(req: IncomingMessage, url?: URL): Locale {
  const asked = url?.searchParams.get('locale');
  if (isLocale(asked)) return asked;
  const header = req.headers['accept-language'];
  if (typeof header !== 'string') return DEFAULT_LOCALE;
  const wanted = header
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      const weight = q ? Number(q.trim().slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((x) => x.tag && x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const { tag } of wanted) {
    const lang = tag.split('-')[0];
    const match = LOCALES.find((l) => l.toLowerCase() === tag || l.split('-')[0] === lang);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}
