import { describe, expect, it } from 'vitest';
import {
  ABSENCE_REASONS,
  AGEING_FLAGS,
  ANY_DOC_KINDS,
  BODIES,
  CADENCE_PRESETS,
  CADENCE_STATES,
  DECISION_STEPS,
  DEFAULT_SERVICE_IDS,
  FEEDBACK_CATEGORIES,
  FEEDBACK_CHANNELS,
  FEEDBACK_STATUSES,
  MEETING_TYPES,
  MINUTES_STATES,
  OFFICES,
  PARTY_STATUSES,
  PERIOD_UNITS,
  SERVICE_KINDS,
  TASK_STATUSES,
  URGENCIES,
  VILLAGER_BASES,
  VOTE_CHOICES,
  VOTE_OUTCOMES,
  VOTE_RULES,
} from '../domain/schema.ts';
import {
  CATALOGUES,
  format,
  isLocale,
  joinSentences,
  LOCALES,
  labelOf,
  translate,
} from './index.ts';

const ENUMS = {
  docKind: ANY_DOC_KINDS,
  meetingType: MEETING_TYPES,
  taskStatus: TASK_STATUSES,
  feedbackCategory: FEEDBACK_CATEGORIES,
  feedbackChannel: FEEDBACK_CHANNELS,
  feedbackStatus: FEEDBACK_STATUSES,
  urgency: URGENCIES,
  absenceReason: ABSENCE_REASONS,
  minutesState: MINUTES_STATES,
  decisionStep: DECISION_STEPS,
  serviceKind: SERVICE_KINDS,
  defaultService: DEFAULT_SERVICE_IDS,
  cadencePreset: CADENCE_PRESETS,
  periodUnit: PERIOD_UNITS,
  voteChoice: VOTE_CHOICES,
  cadenceState: CADENCE_STATES,
  ageingFlag: AGEING_FLAGS,
  body: BODIES,
  partyStatus: PARTY_STATUSES,
  office: OFFICES,
  voteOutcome: VOTE_OUTCOMES,
  voteRule: VOTE_RULES,
  villagerBasis: VILLAGER_BASES,
} as const;

const ARABIC = /[\u0600-\u06ff]/;
const HAN = /[\u4e00-\u9fff]/;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues (I18N-1)', () => {
  it('every locale has exactly the keys of every other, no empty message, the same parameters', () => {
    const base = CATALOGUES['zh-CN'].messages as Record<string, string>;
    for (const locale of LOCALES) {
      const messages = CATALOGUES[locale].messages as Record<string, string>;
      expect(Object.keys(messages).sort(), locale).toEqual(Object.keys(base).sort());
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(base[key]!));
      }
    }
  });

  it('LBL-1 every value of every enum has a label in every locale, from one table per locale', () => {
    for (const locale of LOCALES) {
      const labels = CATALOGUES[locale].labels as Record<string, Record<string, string>>;
      expect(Object.keys(labels).sort(), locale).toEqual(Object.keys(ENUMS).sort());
      for (const [name, values] of Object.entries(ENUMS)) {
        const table = labels[name]!;
        expect(Object.keys(table).sort(), `${locale} ${name}`).toEqual([...values].sort());
        for (const v of values) {
          const label = table[v]!;
          if (locale === 'zh-CN') expect(label, v).toMatch(HAN);
          if (locale === 'en') expect(label, v).toMatch(/^[A-Z]/);
          if (locale === 'ug') expect(label, v).toMatch(ARABIC);
        }
      }
    }
  });

  it('the Uyghur catalogue is written in Uyghur: every message holds Arabic script unless it is only a symbol, a number or a name', () => {
    const latinOnly = Object.entries(CATALOGUES.ug.messages as Record<string, string>).filter(
      ([, text]) => /[A-Za-z]{3,}/.test(text.replace(/\{\w+\}/g, '')) && !ARABIC.test(text),
    );
    // Brand and script names a Uyghur speaker sees in Latin letters on purpose.
    const allowed = new Set(['app.name', 'lang.en']);
    expect(latinOnly.filter(([key]) => !allowed.has(key))).toEqual([]);
  });

  it('I18N-3 in a right-to-left locale every parameter is isolated, so dates and names keep their order', () => {
    expect(translate('ug', 'history.restoredTo', { version: '2025-03-12' })).toContain(
      '\u20682025-03-12\u2069',
    );
    expect(translate('zh-CN', 'history.restoredTo', { version: '2025-03-12' })).toBe(
      '恢复到「2025-03-12」',
    );
  });

  it('I18N-3 in a right-to-left locale a count of a total and a range read left to right as a whole', () => {
    // Each number isolated on its own, a right-to-left line draws "37/27" for 27 of 37.
    const lri = (inner: string) => `\u2066${inner}\u2069`;
    const fsi = (inner: string) => `\u2068${inner}\u2069`;
    expect(translate('ug', 'dash.phaseProgress', { done: 27, total: 37 })).toContain(
      lri(`${fsi('27')}/${fsi('37')}`),
    );
    expect(translate('ug', 'plan.progress', { done: 8, total: 10 })).toContain(
      lri(`${fsi('8')}/${fsi('10')}`),
    );
    expect(translate('ug', 'dash.cadenceRange', { min: 1, max: 3 })).toContain(
      lri(`${fsi('1')}–${fsi('3')}`),
    );
    expect(translate('zh-CN', 'plan.progress', { done: 8, total: 10 })).toBe('进度 8/10');
  });

  it('I18N-3 a version label set in a right-to-left sentence reads right to left: its number, then its time', () => {
    // The direction a first-strong isolate takes: its first letter outside nested isolates.
    const firstStrong = (text: string): 'ltr' | 'rtl' => {
      let depth = 0;
      for (const ch of text) {
        if ('\u2066\u2067\u2068'.includes(ch)) depth++;
        else if (ch === '\u2069') depth = Math.max(0, depth - 1);
        else if (depth === 0 && (ch === '\u200f' || /[\u0600-\u06ff]/.test(ch))) return 'rtl';
        else if (depth === 0 && (ch === '\u200e' || /\p{L}/u.test(ch))) return 'ltr';
      }
      return 'ltr';
    };
    const time = translate('ug', 'history.span', { span: '3-دېكابىر 11:32' });
    const version = translate('ug', 'history.versionNumbered', { n: 12, time });
    // Both of its parts are isolates: with no letter of its own it was laid out left to right,
    // "#12" at the far end of the heading and the time's bracket split around it.
    expect(firstStrong(version)).toBe('rtl');
    const heading = translate('ug', 'history.compareHeading', { from: version, to: version });
    expect(heading).toContain(`\u2068${version}\u2069`);
  });

  it('format fills parameters and leaves unknown placeholders; translate falls back to zh-CN', () => {
    expect(format('{a} → {b} {c}', { a: 1, b: 'x' })).toBe('1 → x {c}');
    expect(isLocale('ug')).toBe(true);
    expect(isLocale('toString')).toBe(false);
    expect(translate('xx' as 'en', 'app.home')).toBe(translate('zh-CN', 'app.home'));
  });

  it('I18N-4 English counts take the word for their number: one, or more', () => {
    expect(format('{n} {n|entry|entries}', { n: 1 })).toBe('1 entry');
    expect(format('{n} {n|entry|entries}', { n: 0 })).toBe('0 entries');
    expect(format('{n} {n|entry|entries}', {})).toBe('{n} {n|entry|entries}');
    expect(translate('en', 'dash.missedBefore', { n: 1 })).toBe('1 earlier period missed');
    expect(translate('en', 'dash.missedBefore', { n: 3 })).toBe('3 earlier periods missed');
    expect(translate('en', 'svc.linkedTasks', { n: 1 })).toBe('1 linked task');
    // Every choice counts a parameter the message is given, so none is left unmade.
    const base = CATALOGUES['zh-CN'].messages as Record<string, string>;
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(CATALOGUES[locale].messages)) {
        for (const [, name] of (text as string).matchAll(/\{(\w+)\|[^}]*\}/g)) {
          expect(placeholders(base[key]!), `${locale} ${key}`).toContain(name);
        }
      }
    }
  });

  it('joinSentences: no space after a Chinese full stop, one after a Latin or Uyghur one', () => {
    const hint = (locale: 'zh-CN' | 'en' | 'ug') =>
      joinSentences(
        translate(locale, 'board.decisionHint'),
        translate(locale, 'board.recordsSteps'),
      );
    expect(hint('zh-CN')).toBe(
      `${translate('zh-CN', 'board.decisionHint')}${translate('zh-CN', 'board.recordsSteps')}`,
    );
    expect(hint('zh-CN')).not.toContain(' ');
    expect(hint('en')).toBe(
      `${translate('en', 'board.decisionHint')} ${translate('en', 'board.recordsSteps')}`,
    );
    expect(hint('ug')).toContain('. ');
    expect(joinSentences('甲。', '', 'B.', 'C')).toBe('甲。B. C');
  });
});

describe('Uyghur terms', () => {
  /** Every Uyghur text beside its Chinese one: messages, then labels. */
  const pairs = (): [string, string, string][] => {
    const zh = CATALOGUES['zh-CN'];
    const ug = CATALOGUES.ug;
    const out: [string, string, string][] = Object.entries(
      ug.messages as Record<string, string>,
    ).map(([key, text]) => [key, (zh.messages as Record<string, string>)[key] ?? '', text]);
    const zhLabels = zh.labels as Record<string, Record<string, string>>;
    for (const [name, table] of Object.entries(
      ug.labels as Record<string, Record<string, string>>,
    )) {
      for (const [value, text] of Object.entries(table)) {
        out.push([`${name}.${value}`, zhLabels[name]?.[value] ?? '', text]);
      }
    }
    return out;
  };

  it('四议两公开 has one Uyghur name everywhere, and its step 审议 is not called 商议 or 四议', () => {
    const term = 'تۆت مۇزاكىرە، ئىككى ئاشكارىلاش';
    const named = pairs().filter(([, zh]) => zh.includes('四议两公开'));
    expect(named.length).toBeGreaterThanOrEqual(4);
    for (const [key, , ug] of named) expect(ug, key).toContain(term);
    for (const [key, , ug] of pairs()) expect(ug, key).not.toContain('تۆت كېڭىشىش');
    const review = labelOf('decisionStep', 'review', 'ug');
    expect(review).not.toContain('مۇزاكىرە');
    expect(review).not.toBe(labelOf('decisionStep', 'deliberation', 'ug'));
  });

  it('votes for are قوشۇلۇش wherever the Chinese says 赞成', () => {
    const forVotes = pairs().filter(([, zh]) => zh.includes('赞成'));
    expect(forVotes.length).toBeGreaterThanOrEqual(8);
    for (const [key, , ug] of forVotes) expect(ug, key).not.toContain('قوشۇلغان');
    expect(translate('ug', 'board.tally', { for: 1, against: 0, abstain: 0 })).toContain('قوشۇلۇش');
  });
});

describe('labels', () => {
  it('LBL-1 labelOf uses the users’ terms and falls back to the raw value for unknown values', () => {
    expect(labelOf('meetingType', 'party-group', 'zh-CN')).toBe('党小组会');
    expect(labelOf('meetingType', 'villager-representatives', 'zh-CN')).toBe('村民代表会议');
    expect(labelOf('decisionStep', 'review', 'zh-CN')).toBe('审议');
    expect(labelOf('feedbackStatus', 'answered-back', 'en')).toBe('Answered back');
    expect(labelOf('feedbackStatus', 'from-the-future' as 'received', 'en')).toBe(
      'from-the-future',
    );
  });
});
