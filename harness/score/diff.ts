import type { ScorePair, Summary } from './types.ts';
import type { GradedConversation } from '../types.ts';

// Run against run: cases matched by channel + pack/case#variant (repeats
// averaged), so a release can be checked against the last one.

export interface RunData {
  summary: Summary;
  conversations: GradedConversation[];
}

export interface CaseSide {
  recognition: number;
  completeness: number;
  effectiveness: number;
  passed: number;
  errors: number;
  n: number;
}

export interface CaseDelta {
  key: string;
  channel: string;
  pack: string;
  case: string;
  /** The case's name in its pack, for readers. */
  name?: string;
  variant: number;
  base?: CaseSide;
  head?: CaseSide;
  /** head − base effectiveness; undefined when one side is missing. */
  delta?: number;
  recognitionDelta?: number;
  completenessDelta?: number;
}

export interface PairDelta {
  name: string;
  base: number | null;
  head: number | null;
  delta: number | null;
}

export interface RunDiff {
  baseId: string;
  headId: string;
  bank: PairDelta[];
  channels: { channel: string; pairs: PairDelta[] }[];
  better: CaseDelta[];
  worse: CaseDelta[];
  same: CaseDelta[];
  added: CaseDelta[];
  removed: CaseDelta[];
}

/** Changes smaller than this are noise of averaging, not a change. */
const epsilon = 0.005;

function sides(conversations: GradedConversation[]): Map<string, { meta: Omit<CaseDelta, 'key'>; side: CaseSide }> {
  const groups = new Map<string, GradedConversation[]>();
  for (const c of conversations) {
    const key = `${c.record.channel}/${c.record.pack}/${c.record.case}#${c.record.variant}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const out = new Map<string, { meta: Omit<CaseDelta, 'key'>; side: CaseSide }>();
  for (const [key, list] of groups) {
    const n = list.length;
    const recognition = list.reduce((s, c) => s + c.grade.recognition, 0) / n;
    const completeness = list.reduce((s, c) => s + c.grade.completeness, 0) / n;
    const r = list[0].record;
    out.set(key, {
      meta: { channel: r.channel, pack: r.pack, case: r.case, variant: r.variant },
      side: {
        recognition,
        completeness,
        effectiveness: recognition + completeness,
        passed: list.filter((c) => c.grade.passed && !c.record.error).length,
        errors: list.filter((c) => c.record.error).length,
        n,
      },
    });
  }
  return out;
}

function pairs(base: ScorePair | undefined, head: ScorePair | undefined): PairDelta[] {
  return (['recognition', 'completeness', 'effectiveness'] as const).map((name) => {
    const b = base?.[name] ?? null;
    const h = head?.[name] ?? null;
    return { name, base: b, head: h, delta: b === null || h === null ? null : h - b };
  });
}

export function diffRuns(base: RunData, head: RunData): RunDiff {
  const a = sides(base.conversations);
  const b = sides(head.conversations);
  const result: RunDiff = { baseId: base.summary.run.id, headId: head.summary.run.id, bank: pairs(base.summary.bank, head.summary.bank), channels: [], better: [], worse: [], same: [], added: [], removed: [] };
  const channels = [...new Set([...Object.keys(base.summary.channels), ...Object.keys(head.summary.channels)])];
  result.channels = channels.map((channel) => ({ channel, pairs: pairs(base.summary.channels[channel], head.summary.channels[channel]) }));
  // A case's name as the head run gives it, else the base run.
  const names = new Map<string, string>();
  for (const c of [...head.summary.cases, ...base.summary.cases]) if (c.name && !names.has(`${c.pack}\u0000${c.case}`)) names.set(`${c.pack}\u0000${c.case}`, c.name);
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const meta = (x ?? y)!.meta;
    const name = names.get(`${meta.pack}\u0000${meta.case}`);
    const d: CaseDelta = { key, ...meta, ...(name ? { name } : {}), base: x?.side, head: y?.side };
    if (!x) result.added.push(d);
    else if (!y) result.removed.push(d);
    else {
      d.delta = y.side.effectiveness - x.side.effectiveness;
      d.recognitionDelta = y.side.recognition - x.side.recognition;
      d.completenessDelta = y.side.completeness - x.side.completeness;
      (d.delta > epsilon ? result.better : d.delta < -epsilon ? result.worse : result.same).push(d);
    }
  }
  result.better.sort((p, q) => q.delta! - p.delta!);
  result.worse.sort((p, q) => p.delta! - q.delta!);
  return result;
}
