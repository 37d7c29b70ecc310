/** UI languages; Simplified Chinese is the default. Matches the shared labels module's locales. */
export type Locale = 'zh-CN' | 'en';
