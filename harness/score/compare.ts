import type { Summary } from './types.ts';
import { mean } from './rollup.ts';

// Many banks' runs side by side: the survey's tables (ranking, score
// buckets, shares of "good" banks, online vs hotline) from measured runs.

export interface RankedBank {
  rank: number;
  label: string;
  dir: string;
  summary: Summary;
  effectiveness: number | null;
  score100: number | null;
}

export interface Comparison {
  ranking: RankedBank[];
  buckets: { label: '≥80' | '70–79' | '60–69' | '<60'; count: number; share: number }[];
  /** Banks with a score (the denominator of shares). */
  scored: number;
  good: { recognition: { count: number; share: number }; completeness: { count: number; share: number } };
  sides: Record<'online' | 'hotline', { banks: number; recognition: number | null; completeness: number | null; effectiveness: number | null }>;
  scenarios: { id: string; name: string; best: { label: string; effectiveness: number }[]; mean: number | null; banks: number }[];
}


export function compareRuns(runs: { dir: string; summary: Summary }[]): Comparison {
  const names = runs.map((r) => r.summary.run.bankName || r.summary.run.bank);
  // Two runs of the same bank stay apart by run id.
  const labels = names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n} (${runs[i].summary.run.id})` : n));
  const rows = runs.map((r, i) => {
    const effectiveness = r.summary.bank.effectiveness;
    return { label: labels[i], dir: r.dir, summary: r.summary, effectiveness, score100: r.summary.bank.score100 ?? (effectiveness === null ? null : effectiveness * 10) };
  });
  rows.sort((a, b) => (b.effectiveness ?? -1) - (a.effectiveness ?? -1));
  const ranking: RankedBank[] = [];
  rows.forEach((r, i) => {
    const prev = ranking[i - 1];
    const tied = prev && prev.effectiveness !== null && r.effectiveness !== null && Math.abs(prev.effectiveness - r.effectiveness) < 1e-9;
    const rank = tied || (prev && prev.effectiveness === null && r.effectiveness === null) ? prev.rank : i + 1;
    ranking.push({ ...r, rank });
  });

  const scoredRows = ranking.filter((r) => r.score100 !== null);
  const scored = scoredRows.length;
  const share = (count: number) => (scored ? count / scored : 0);
  const bucketOf = (s: number) => (s >= 80 ? '≥80' : s >= 70 ? '70–79' : s >= 60 ? '60–69' : '<60');
  const buckets = (['≥80', '70–79', '60–69', '<60'] as const).map((label) => {
    const count = scoredRows.filter((r) => bucketOf(r.score100!) === label).length;
    return { label, count, share: share(count) };
  });
  const goodCount = (key: 'recognition' | 'completeness') => scoredRows.filter((r) => (r.summary.bank[key] ?? -1) >= r.summary.good).length;

  const side = (kind: 'online' | 'hotline') => {
    const with_ = runs.filter((r) => r.summary[kind].n > 0).map((r) => r.summary[kind]);
    return { banks: with_.length, recognition: mean(with_.map((s) => s.recognition)), completeness: mean(with_.map((s) => s.completeness)), effectiveness: mean(with_.map((s) => s.effectiveness)) };
  };

  const scenarioIds = [...new Set(runs.flatMap((r) => Object.keys(r.summary.scenarios)))];
  const scenarios = scenarioIds.map((id) => {
    const entries = runs
      .map((r, i) => ({ label: labels[i], s: r.summary.scenarios[id] }))
      .filter((e): e is { label: string; s: NonNullable<typeof e.s> } => !!e.s && e.s.effectiveness !== null);
    const top = Math.max(...entries.map((e) => e.s.effectiveness!));
    return {
      id,
      name: runs.map((r) => r.summary.scenarios[id]?.name).find(Boolean) ?? id,
      best: entries.filter((e) => e.s.effectiveness === top).map((e) => ({ label: e.label, effectiveness: top })),
      mean: mean(entries.map((e) => e.s.effectiveness)),
      banks: entries.length,
    };
  });

  return {
    ranking,
    buckets,
    scored,
    good: { recognition: { count: goodCount('recognition'), share: share(goodCount('recognition')) }, completeness: { count: goodCount('completeness'), share: share(goodCount('completeness')) } },
    sides: { online: side('online'), hotline: side('hotline') },
    scenarios,
  };
}
