import { localeMeta } from '@grassroots/shared';
import { For, type JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';

/** One bar of a stacked chart: its label and its segments, bottom first. */
export type StackedBar = { key: string; label: string; segments: { key: string; value: number }[] };

/** Chart units are CSS pixels at the chart's natural width; the chart scales to its box. */
const PAD_LEFT = 34;
const PAD_BOTTOM = 40;
const PAD_TOP = 10;

/** A round top for the axis: 1, 2, 5 × 10^n at or above the largest value. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * p >= value) return m * p;
  return 10 * p;
}

/** Axis values: every whole number up to 5, else none, half and the top (all whole). */
function ticks(max: number): number[] {
  return max <= 5 ? Array.from({ length: max + 1 }, (_, i) => i) : [0, max / 2, max];
}

/**
 * Stacked columns in plain SVG (no chart library): one column per bar, one colour per segment
 * key, value labels on the axis, a legend below. Text stays text, so it prints sharp and reads
 * out; `title` is the chart's accessible name.
 */
export function StackedColumns(props: {
  title: string;
  bars: StackedBar[];
  keys: { key: string; label: string; color: string }[];
  height?: number;
}): JSX.Element {
  const { locale } = useI18n();
  const h = () => props.height ?? 220;
  const W = () => Math.max(300, PAD_LEFT + props.bars.length * 52);
  // Right to left (Uyghur), the chart is mirrored as the page is: the axis on the right, the
  // first bar (the earliest month) at the right, time running leftwards as the sentences do.
  const isRtl = () => localeMeta(locale()).dir === 'rtl';
  /** Where something of `width` at `left` (in left-to-right terms) is drawn. */
  const at = (left: number, width = 0) => (isRtl() ? W() - left - width : left);
  const max = () =>
    niceMax(Math.max(0, ...props.bars.map((b) => b.segments.reduce((s, x) => s + x.value, 0))));
  const plotH = () => h() - PAD_TOP - PAD_BOTTOM;
  const slot = () => (W() - PAD_LEFT) / Math.max(1, props.bars.length);
  const y = (v: number) => PAD_TOP + plotH() - (v / max()) * plotH();
  const color = (key: string) => props.keys.find((k) => k.key === key)?.color ?? '#999';
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W()} ${h()}`} role="img" aria-label={props.title} class="chart-svg">
        <title>{props.title}</title>
        <For each={ticks(max())}>
          {(v) => (
            <g class="chart-grid">
              <line x1={at(PAD_LEFT)} x2={at(W())} y1={y(v)} y2={y(v)} />
              <text
                x={at(PAD_LEFT - 6)}
                y={y(v) + 4}
                direction="ltr"
                text-anchor={isRtl() ? 'start' : 'end'}
                class="chart-axis"
              >
                {v}
              </text>
            </g>
          )}
        </For>
        <For each={props.bars}>
          {(bar, i) => {
            const width = () => Math.min(slot() * 0.6, 64);
            const x = () => at(PAD_LEFT + i() * slot() + (slot() - width()) / 2, width());
            let base = 0;
            const rects = bar.segments.map((s) => {
              const from = base;
              base += s.value;
              return { ...s, from, to: base };
            });
            return (
              <g class="chart-bar" data-bar={bar.key} data-total={base}>
                <For each={rects.filter((r) => r.value > 0)}>
                  {(r) => (
                    <rect
                      x={x()}
                      width={width()}
                      y={y(r.to)}
                      height={y(r.from) - y(r.to)}
                      fill={color(r.key)}
                      data-segment={r.key}
                      data-value={r.value}
                    >
                      <title>{`${bar.label} ${props.keys.find((k) => k.key === r.key)?.label ?? r.key} ${r.value}`}</title>
                    </rect>
                  )}
                </For>
                <text
                  x={x() + width() / 2}
                  y={y(base) - 4}
                  text-anchor="middle"
                  class="chart-value"
                >
                  {base}
                </text>
                <text
                  x={x() + width() / 2}
                  y={h() - PAD_BOTTOM + 16}
                  text-anchor="middle"
                  class="chart-label"
                >
                  {bar.label}
                </text>
              </g>
            );
          }}
        </For>
      </svg>
      <figcaption class="chart-legend">
        <For each={props.keys}>
          {(k) => (
            <span class="chart-key">
              <span class="chart-swatch" style={{ background: k.color }} />
              {k.label}
            </span>
          )}
        </For>
      </figcaption>
    </figure>
  );
}

/**
 * Paired horizontal bars for each row: its label, then what was required and what was done, each
 * bar with its number said in words ("应开期数：1", "按期召开：0"), so a bar of nothing still says
 * what it counts. Drawn in HTML rather than SVG: the text keeps the page's size on a phone (a
 * scaled drawing set it at 10 px), wraps, and lays out right to left with the page.
 */
export function PairedBars(props: {
  title: string;
  rows: { key: string; label: JSX.Element; a: number; b: number }[];
  aLabel: string;
  bLabel: string;
}): JSX.Element {
  const { t } = useI18n();
  const max = () => niceMax(Math.max(1, ...props.rows.flatMap((r) => [r.a, r.b])));
  const share = (v: number) => `${(v / max()) * 100}%`;
  const Bar = (p: { value: number; label: string; class: string }) => (
    <span class="pair-line">
      <span class="pair-track">
        <span class={`pair-bar ${p.class}`} style={{ 'inline-size': share(p.value) }} />
      </span>
      <span class="chart-value">
        {p.label}
        {t('common.colon')}
        <bdi dir="ltr">{p.value}</bdi>
      </span>
    </span>
  );
  return (
    <figure class="chart chart-pairs">
      <figcaption class="sr-only">{props.title}</figcaption>
      <ul class="plain-list chart-pair-rows">
        <For each={props.rows}>
          {(r) => (
            <li class="chart-row" data-row={r.key} data-a={r.a} data-b={r.b}>
              <span class="chart-label">{r.label}</span>
              <Bar value={r.a} label={props.aLabel} class="chart-a" />
              <Bar value={r.b} label={props.bLabel} class="chart-b" />
            </li>
          )}
        </For>
      </ul>
    </figure>
  );
}
