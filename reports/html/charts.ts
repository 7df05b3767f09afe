// The single-file build (echarts.ts): one script to load instead of several
// hundred modules (the package's ES entry), which cost seconds of a run's
// start-to-exit time.
import { echarts, keepCompiledCharts } from './echarts.ts';
import { chartFont } from '../glossary.ts';

// Charts are rendered on the server into inline SVG so the page needs no
// script and no network to show them. Each kind of chart is made by a named
// painter from plain data (defineChart), so a page's charts can also be
// painted elsewhere: `harness run` has its grading thread, idle by then,
// paint them while the main thread writes the transcripts (deferCharts).

type Option = Record<string, unknown>;

/** One chart as plain data: the painter's name and its arguments (they cross to another thread). */
export interface ChartCall {
  kind: string;
  args: unknown;
}

/** Paints charts somewhere else: their SVGs, in the order of the calls. */
export type ChartPainter = (calls: ChartCall[]) => Promise<string[]>;

const painters = new Map<string, (args: never) => string>();
/** The charts of a page being built with deferCharts; undefined when charts are painted at once. */
let deferred: ChartCall[] | undefined;
const placeholder = (n: number) => `<!--harness-chart:${n}-->`;
const PLACEHOLDER = /<!--harness-chart:(\d+)-->/g;

/** A kind of chart, painted from its arguments here, or later when a page defers its charts. */
export function defineChart<A>(kind: string, paint: (args: A) => string): (args: A) => string {
  painters.set(kind, paint as (args: never) => string);
  return (args) => {
    if (!deferred) return paint(args);
    deferred.push({ kind, args });
    return placeholder(deferred.length - 1);
  };
}

/** Build a page with its charts left as placeholders: the page and the charts it wants. */
export function deferCharts(build: () => string): { html: string; calls: ChartCall[] } {
  const outer = deferred;
  deferred = [];
  try {
    const html = build();
    return { html, calls: deferred };
  } finally {
    deferred = outer;
  }
}

/** The charts painted here, in order (what another thread's painter runs); ECharts' compiled code kept before it returns. */
export function paintCharts(calls: ChartCall[]): string[] {
  try {
    return calls.map((c) => {
      const paint = painters.get(c.kind);
      if (!paint) throw new Error(`no chart painter "${c.kind}"`);
      return (paint as (args: unknown) => string)(c.args);
    });
  } finally {
    keepCompiledCharts(true);
  }
}

/** The page with its placeholders replaced by the painted charts. */
export function fillCharts(html: string, svgs: string[]): string {
  return html.replace(PLACEHOLDER, (_, n: string) => svgs[Number(n)] ?? '');
}

/** Load ECharts now, so the first chart is quick (while a run waits on its bot). */
export function warmCharts(): void {
  echarts();
}

export function renderChart(option: Option, width = 640, height = 320): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: chartFont }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
    keepCompiledCharts();
  }
}

export const palette = ['#3b6fd8', '#e07b39', '#3aa57a', '#a35bc4', '#c9483f', '#6b7785'];

export interface BarSeries {
  name: string;
  data: (number | null)[];
}

export const barChart = defineChart('bar', (opts: {
  categories: string[];
  series: BarSeries[];
  max?: number;
  horizontal?: boolean;
  width?: number;
  height?: number;
  yName?: string;
  /** Counts: whole-number axis, and a zero bar needs no label. */
  counts?: boolean;
}): string => {
  const category = { type: 'category', data: opts.categories, axisLabel: { interval: 0 } };
  const value = { type: 'value', max: opts.max, name: opts.yName, minInterval: opts.counts ? 1 : undefined };
  return renderChart(
    {
      color: palette,
      legend: opts.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: opts.horizontal ? 140 : 50, right: 30, top: 40, bottom: 40 },
      xAxis: opts.horizontal ? value : category,
      yAxis: opts.horizontal ? { ...category, inverse: true } : value,
      series: opts.series.map((s) => ({
        type: 'bar',
        name: s.name,
        data: s.data,
        label: { show: true, position: opts.horizontal ? 'right' : 'top', formatter: opts.counts ? countFormatter : labelFormatter },
      })),
    },
    opts.width,
    opts.height,
  );
});

function countFormatter(p: { value: unknown }): string {
  return typeof p.value === 'number' && p.value !== 0 ? String(p.value) : '';
}

/** A bar's value label: the number to two decimals, nothing for a gap. */
export function labelFormatter(p: { value: unknown }): string {
  return typeof p.value === 'number' ? String(Math.round(p.value * 100) / 100) : '';
}

/** Rows × columns of numbers; null cells stay blank. */
export const heatmapChart = defineChart('heatmap', (opts: {
  rows: string[];
  columns: string[];
  cells: (number | null)[][];
  min: number;
  max: number;
  width?: number;
  height?: number;
  digits?: number;
}): string => {
  const data: [number, number, number][] = [];
  opts.cells.forEach((row, r) => row.forEach((v, c) => (v === null ? undefined : data.push([c, r, v]))));
  const digits = opts.digits ?? 1;
  return renderChart(
    {
      grid: { left: 150, right: 40, top: 20, bottom: 90 },
      xAxis: { type: 'category', data: opts.columns, axisLabel: { interval: 0, rotate: opts.columns.length > 5 ? 30 : 0 }, splitArea: { show: true } },
      yAxis: { type: 'category', data: opts.rows, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: opts.min,
        max: opts.max,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        inRange: { color: ['#f3d3cf', '#f7eab0', '#bfe3c9', '#3aa57a'] },
      },
      series: [
        {
          type: 'heatmap',
          data,
          label: { show: true, formatter: (p: { value: [number, number, number] }) => p.value[2].toFixed(digits) },
        },
      ],
    },
    opts.width ?? 640,
    opts.height ?? Math.max(220, 110 + opts.rows.length * 34),
  );
});

/** Counts of values in equal-width bins from `min` to `max`. */
export function histogram(values: number[], min: number, max: number, bins: number): { labels: string[]; counts: number[] } {
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)))]++;
  const digits = Number.isInteger(width) && Number.isInteger(min) ? 0 : 1;
  const labels = counts.map((_, i) => `${(min + i * width).toFixed(digits)}–${(min + (i + 1) * width).toFixed(digits)}`);
  return { labels, counts };
}

/** A round bin width (1, 2 or 5 × 10^k) giving about `bins` bins up to `max`. */
export function niceStep(max: number, bins: number): number {
  const raw = Math.max(max, 1) / bins;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

export interface LineSeries {
  name: string;
  data: (number | null)[];
  /** Indexes of points to mark as regressions (a red ▼). */
  marks?: number[];
}

/** Values over time; marked points drawn as red down-pointing triangles. */
export const lineChart = defineChart('line', (opts: { categories: string[]; series: LineSeries[]; min?: number; max?: number; width?: number; height?: number; yName?: string }): string => {
  return renderChart(
    {
      color: palette,
      legend: opts.series.length > 1 ? { top: 0, type: 'plain' } : undefined,
      grid: { left: 50, right: 30, top: opts.series.length > 1 ? 30 + 22 * Math.ceil(opts.series.length / 4) : 30, bottom: 50 },
      xAxis: { type: 'category', data: opts.categories, axisLabel: { interval: 0 } },
      yAxis: { type: 'value', min: opts.min, max: opts.max, name: opts.yName },
      series: opts.series.map((s) => ({
        type: 'line',
        name: s.name,
        connectNulls: false,
        symbolSize: 7,
        label: { show: opts.series.length === 1, formatter: labelFormatter },
        data: s.data.map((v, i) =>
          s.marks?.includes(i) && v !== null
            ? { value: v, symbol: 'triangle', symbolRotate: 180, symbolSize: 14, itemStyle: { color: '#cf222e' }, label: { show: true, formatter: '▼', color: '#cf222e' } }
            : v,
        ),
      })),
    },
    opts.width ?? 720,
    opts.height ?? 340,
  );
});
