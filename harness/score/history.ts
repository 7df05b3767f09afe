import { baselineMismatch } from './gate.ts';
import type { Summary } from './types.ts';

// A bank's runs over time (release over release): only runs of the same plan
// as the newest one (the same test as `--baseline` applies), oldest first,
// the effectiveness of every channel and of every channel × scenario per run,
// and each drop beyond `maxDrop` against the run before marked a regression.

export interface HistoryRun {
  id: string;
  dir: string;
  startedAt: string;
  effectiveness: number | null;
  score100: number | null;
}

export interface HistorySeries {
  channel: string;
  /** null: the channel as a whole. */
  scenario: string | null;
  /** The scenario's name (or the channel's label) for readers. */
  name: string;
  /** AI effectiveness (0–10) per run, aligned with `runs`; null where not measured. */
  points: (number | null)[];
  /** Indexes into `runs` where the value dropped more than maxDrop against the run before. */
  regressions: number[];
}

export interface Regression {
  run: string;
  channel: string;
  scenario: string | null;
  name: string;
  before: number;
  after: number;
}

export interface History {
  bank: string;
  bankName: string;
  maxDrop: number;
  runs: HistoryRun[];
  /** Runs of the bank left out, and why (another plan). */
  excluded: { id: string; dir: string; reason: string }[];
  channels: { name: string; label?: string; kind: 'online' | 'hotline'; series: HistorySeries[] }[];
  regressions: Regression[];
}

export function historyOf(all: { dir: string; summary: Summary }[], opts: { bank: string; maxDrop?: number }): History {
  const maxDrop = opts.maxDrop ?? 0.2;
  const mine = all.filter((r) => r.summary.run.bank === opts.bank).sort((a, b) => a.summary.run.startedAt.localeCompare(b.summary.run.startedAt));
  const latest = mine.at(-1);
  const excluded: History['excluded'] = [];
  const runs = mine.filter((r) => {
    const mismatch = latest ? baselineMismatch(latest.summary, r.summary) : [];
    if (mismatch.length) excluded.push({ id: r.summary.run.id, dir: r.dir, reason: mismatch.join('; ') });
    return !mismatch.length;
  });
  const regressions: Regression[] = [];
  const series = (channel: string, scenario: string | null, name: string, value: (s: Summary) => number | null | undefined): HistorySeries => {
    const points = runs.map((r) => value(r.summary) ?? null);
    const marked: number[] = [];
    for (let i = 1; i < points.length; i++) {
      const before = points[i - 1];
      const after = points[i];
      if (before !== null && after !== null && before - after > maxDrop + 1e-9) {
        marked.push(i);
        regressions.push({ run: runs[i].summary.run.id, channel, scenario, name, before, after });
      }
    }
    return { channel, scenario, name, points, regressions: marked };
  };
  const newest = latest?.summary;
  const channels: History['channels'] = Object.entries(newest?.channels ?? {}).map(([name, c]) => ({
    name,
    ...(c.label ? { label: c.label } : {}),
    kind: c.kind,
    series: [
      series(name, null, c.label ?? name, (s) => s.channels[name]?.effectiveness),
      ...Object.keys(c.scenarios).map((pack) => series(name, pack, newest!.scenarios[pack]?.name ?? pack, (s) => s.channels[name]?.scenarios[pack]?.effectiveness)),
    ],
  }));
  const order = new Map(runs.map((r, i) => [r.summary.run.id, i]));
  regressions.sort((a, b) => order.get(a.run)! - order.get(b.run)!);
  return {
    bank: opts.bank,
    bankName: newest?.run.bankName ?? opts.bank,
    maxDrop,
    runs: runs.map((r) => ({ id: r.summary.run.id, dir: r.dir, startedAt: r.summary.run.startedAt, effectiveness: r.summary.bank.effectiveness, score100: r.summary.bank.score100 })),
    excluded,
    channels,
    regressions,
  };
}
