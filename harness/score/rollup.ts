import type { Lang } from '../types.ts';
import type { BankProfile } from '../config/bank.ts';
import { channelKind } from '../config/bank.ts';
import type { Pack } from '../config/scenario.ts';
import type { GradedConversation } from '../types.ts';
import type { CaseScore, ChannelScore, ScenarioScore, ScorePair, Summary } from './types.ts';

// turn → case (mean) → scenario (mean) → channel (mean over scenarios) →
// online / hotline (mean over channels) → bank (mean of the two sides).

export const round2 = (x: number | null) => (x === null || Number.isNaN(x) ? null : Math.round(x * 100) / 100);

export function mean(xs: (number | null | undefined)[]): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

export function quantile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Wilson score interval (95 %) for k successes out of n. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [round4(Math.max(0, centre - half)), round4(Math.min(1, centre + half))];
}
const round4 = (x: number) => Math.round(x * 10000) / 10000;

function pair(recognition: number | null, completeness: number | null): ScorePair {
  return {
    recognition: round2(recognition),
    completeness: round2(completeness),
    effectiveness: recognition === null || completeness === null ? null : round2(recognition + completeness),
  };
}

export interface RollupInput {
  runId: string;
  profile: BankProfile;
  packs: Pack[];
  conversations: GradedConversation[];
  startedAt: string;
  finishedAt: string;
  grader: 'rules' | 'llm' | 'both';
  good?: number;
  shard?: string;
  lang: Lang;
}

export function rollup(input: RollupInput): Summary {
  const good = input.good ?? 4;
  const byChannel = groupBy(input.conversations, (c) => c.record.channel);
  const channels: Record<string, ChannelScore> = {};
  const cases: CaseScore[] = [];
  const packIndex = new Map(input.packs.map((p, i) => [p.id, i]));
  const channelNames = Object.keys(input.profile.channels).filter((n) => byChannel.has(n));
  for (const name of channelNames) {
    const convs = byChannel.get(name)!;
    const scenarios: Record<string, ScenarioScore> = {};
    // Packs and cases in their authored order, whatever order the journal holds them in.
    const packOrder = (id: string) => packIndex.get(id) ?? -1;
    const byPack = [...groupBy(convs, (c) => c.record.pack)].sort(([a], [b]) => packOrder(a) - packOrder(b));
    for (const [packId, inPack] of byPack) {
      const caseScores: ScorePair[] = [];
      const pack = input.packs[packOrder(packId)];
      const caseIndex = new Map((pack?.cases ?? []).map((c, i) => [c.id, i]));
      const caseOrder = (id: string) => caseIndex.get(id) ?? -1;
      const byCase = [...groupBy(inPack, (c) => c.record.case)].sort(([a], [b]) => caseOrder(a) - caseOrder(b));
      for (const [caseId, inCase] of byCase) {
        const cs = caseScore(name, packId, caseId, inCase, good, pack?.cases[caseOrder(caseId)]?.name);
        cases.push(cs);
        caseScores.push(cs);
      }
      scenarios[packId] = {
        ...pair(mean(caseScores.map((c) => c.recognition)), mean(caseScores.map((c) => c.completeness))),
        n: inPack.length,
        passRate: round2(inPack.filter((c) => c.grade.passed).length / inPack.length),
      };
    }
    const sc = Object.values(scenarios);
    const replies = convs.flatMap((c) => c.record.turns.flatMap((t) => t.exchanges.map((e) => e.reply.latency)));
    const first = replies.map((l) => l.firstMs).filter((x): x is number => typeof x === 'number');
    const settled = replies.map((l) => l.settledMs).filter((x): x is number => typeof x === 'number');
    channels[name] = {
      kind: channelKind(input.profile.channels[name]),
      adapter: input.profile.channels[name].adapter,
      ...(input.profile.channels[name].label ? { label: input.profile.channels[name].label } : {}),
      ...pair(mean(sc.map((s) => s.recognition)), mean(sc.map((s) => s.completeness))),
      conversations: convs.length,
      errors: convs.filter((c) => c.record.error).length,
      ...(convs.some((c) => c.record.simulated) ? { simulated: true } : {}),
      latency: { firstMsP50: round0(quantile(first, 0.5)), settledMsP50: round0(quantile(settled, 0.5)), settledMsP90: round0(quantile(settled, 0.9)) },
      scenarios: sortKeys(scenarios, input.packs),
      ...metricsOf(convs, channelKind(input.profile.channels[name])),
    };
  }
  const side = (kind: 'online' | 'hotline') => {
    const cs = Object.values(channels).filter((c) => c.kind === kind);
    return { ...pair(mean(cs.map((c) => c.recognition)), mean(cs.map((c) => c.completeness))), n: cs.reduce((a, c) => a + c.conversations, 0) };
  };
  const online = side('online');
  const hotlineSide = side('hotline');
  const hotlineIvr = mergeIvr(Object.values(channels).filter((c) => c.kind === 'hotline' && c.ivr).map((c) => c.ivr!));
  const sides = [online, hotlineSide].filter((s) => s.n > 0);
  const bank = pair(mean(sides.map((s) => s.recognition)), mean(sides.map((s) => s.completeness)));
  const scenarios: Summary['scenarios'] = {};
  for (const pack of input.packs) {
    const per = Object.values(channels).map((c) => c.scenarios[pack.id]).filter(Boolean);
    if (!per.length) continue;
    const n = per.reduce((a, s) => a + s.n, 0);
    scenarios[pack.id] = {
      name: pack.name,
      ...pair(mean(per.map((s) => s.recognition)), mean(per.map((s) => s.completeness))),
      n,
      passRate: round2(per.reduce((a, s) => a + (s.passRate ?? 0) * s.n, 0) / n),
    };
  }
  return {
    run: {
      id: input.runId,
      bank: input.profile.id,
      bankName: input.profile.name,
      startedAt: input.startedAt,
      finishedAt: input.finishedAt,
      grader: input.grader,
      conversations: input.conversations.length,
      errors: input.conversations.filter((c) => c.record.error).length,
      ...(input.shard ? { shard: input.shard } : {}),
      lang: input.lang,
    },
    channels,
    online,
    hotline: { ...hotlineSide, ...(hotlineIvr ? { ivr: hotlineIvr } : {}) },
    bank: { ...bank, score100: bank.effectiveness === null ? null : round2(bank.effectiveness * 10) },
    scenarios,
    cases,
    good,
    lowest: lowest(input.conversations),
  };
}

/** The conversations that fell short of "good", lowest first: what a reader should look at. */
export function lowest(conversations: GradedConversation[], max = 10): string[] {
  return conversations
    .filter((c) => !c.record.error && !c.grade.passed)
    .sort((a, b) => a.grade.recognition + a.grade.completeness - (b.grade.recognition + b.grade.completeness) || a.record.id.localeCompare(b.record.id))
    .slice(0, max)
    .map((c) => c.record.id);
}

function caseScore(channel: string, pack: string, caseId: string, convs: GradedConversation[], good: number, name?: string): CaseScore {
  const n = convs.length;
  const passed = convs.filter((c) => c.grade.passed).length;
  const score: CaseScore = {
    channel,
    pack,
    case: caseId,
    ...(name ? { name } : {}),
    ...pair(mean(convs.map((c) => c.grade.recognition)), mean(convs.map((c) => c.grade.completeness))),
    n,
    // One sample says nothing about an interval: [0, 1] or a point would read as a finding.
    ...(n > 1 ? { wilson: wilson(passed, n) } : {}),
  };
  const repeats = new Set(convs.map((c) => c.record.repeat)).size;
  if (repeats > 1) {
    const byVariant = groupBy(convs, (c) => String(c.record.variant));
    score.passK = round2(mean([...byVariant.values()].map((vs) => (vs.every((v) => v.grade.passed) ? 1 : 0)))) ?? undefined;
  }
  void good;
  return score;
}

/** A channel's own metrics; on a hotline channel they are its IVR metrics too. */
function metricsOf(convs: GradedConversation[], kind: 'online' | 'hotline'): { ivr?: Record<string, number | boolean | null>; metrics?: Record<string, number | boolean | null> } {
  const list = convs.map((c) => c.record.metrics).filter((m): m is NonNullable<typeof m> => !!m && Object.keys(m).length > 0);
  if (!list.length) return {};
  const metrics = mergeIvr(list as Record<string, number | boolean | string | null>[])!;
  return kind === 'hotline' ? { ivr: metrics, metrics } : { metrics };
}

/** Numbers are averaged; booleans become the share that is true. */
function mergeIvr(list: Record<string, number | boolean | string | null>[]): Record<string, number | boolean | null> | undefined {
  if (!list.length) return undefined;
  const keys = new Set(list.flatMap((m) => Object.keys(m)));
  const out: Record<string, number | boolean | null> = {};
  for (const k of keys) {
    const vals = list.map((m) => m[k]).filter((v) => v !== null && v !== undefined);
    if (vals.every((v) => typeof v === 'boolean')) out[k] = round2(vals.filter(Boolean).length / Math.max(1, vals.length));
    else out[k] = round2(mean(vals.map((v) => (typeof v === 'number' ? v : null))));
  }
  return out;
}

const round0 = (x: number | null) => (x === null ? null : Math.round(x));

export function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function sortKeys<T>(rec: Record<string, T>, packs: Pack[]): Record<string, T> {
  const order = packs.map((p) => p.id);
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}
