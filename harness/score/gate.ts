import { HarnessError } from '../errors.ts';
import type { Summary } from './types.ts';

// The CI gate: --fail-under recognition=4,completeness=3.5 and
// --baseline <summary.json> --max-drop 0.2. Failures are listed, exit code 1.

const METRICS = ['recognition', 'completeness', 'effectiveness'] as const;
type Metric = (typeof METRICS)[number];
/** The top of each metric's scale: recognition and completeness 0–5, effectiveness their sum. */
export const SCALE: Record<Metric, number> = { recognition: 5, completeness: 5, effectiveness: 10 };

/** `recognition=4,effectiveness=80%`: a value on the metric's own scale, or a percentage of it. */
export function parseFailUnder(text: string): Partial<Record<Metric, number>> {
  const out: Partial<Record<Metric, number>> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, raw = ''] = part.split('=');
    const percent = raw.endsWith('%');
    const v = Number(percent ? raw.slice(0, -1) : raw);
    if (!METRICS.includes(k as Metric) || raw === '' || !Number.isFinite(v)) {
      throw new HarnessError('E_USAGE', `--fail-under ${text}: write metric=value pairs, e.g. recognition=4,completeness=3.5 or effectiveness=80% (metrics: ${METRICS.join(', ')})`);
    }
    const top = SCALE[k as Metric];
    const value = percent ? (v / 100) * top : v;
    if (percent ? v < 0 || v > 100 : v < 0 || v > top) {
      const hint = !percent && v > top && v <= 100 ? ` — for the 100-point view write ${k}=${v}% (= ${((v / 100) * top).toFixed(2)} on 0–${top})` : '';
      throw new HarnessError('E_USAGE', `--fail-under ${part}: ${k} is scored 0–${top}, ${raw} is outside it${hint}`);
    }
    out[k as Metric] = Math.round(value * 1000) / 1000;
  }
  return out;
}

export interface GateResult {
  failures: string[];
  /** Conversation id → the gate failures it is part of (a JUnit failure each); empty when every gate passed. */
  byConversation?: Record<string, string[]>;
}

type Scored = { record: { id: string; channel: string; pack: string; case: string; variant: number; error?: unknown }; grade: { recognition: number; completeness: number } };
const own = (c: Scored, m: Metric) => (m === 'effectiveness' ? c.grade.recognition + c.grade.completeness : c.grade[m]);

/**
 * Which conversations make a failing gate fail: in the scope that failed
 * (the bank, a channel, a channel's scenario), those whose own score is below
 * the threshold — or, against a baseline, those that scored lower than their
 * case did in the baseline (`worse`, by case key), else lower than the
 * baseline's figure for the scope.
 */
export function attributeGate(
  summary: Summary,
  conversations: Scored[],
  opts: { failUnder?: Partial<Record<Metric, number>>; baseline?: Summary; maxDrop?: number; partial?: boolean; worse?: Set<string> },
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (id: string, why: string) => (out[id] ??= []).push(why);
  for (const [metric, min] of Object.entries(opts.failUnder ?? {}) as [Metric, number][]) {
    const bankFails = summary.bank[metric] !== null && summary.bank[metric]! < min;
    for (const c of conversations) {
      if (c.record.error) continue;
      const channel = summary.channels[c.record.channel];
      const scopeFails = bankFails || (channel && channel[metric] !== null && channel[metric]! < min);
      if (scopeFails && own(c, metric) < min) add(c.record.id, `${metric} ${own(c, metric).toFixed(2)} < ${min} (--fail-under)`);
    }
  }
  if (opts.baseline) {
    const drop = opts.maxDrop ?? 0;
    for (const c of conversations) {
      if (c.record.error) continue;
      const now = summary.channels[c.record.channel];
      const before = opts.baseline.channels[c.record.channel];
      if (!now || !before) continue;
      for (const metric of ['recognition', 'completeness'] as const) {
        const s = now.scenarios[c.record.pack]?.[metric];
        const b = before.scenarios[c.record.pack]?.[metric];
        const channelDropped = !opts.partial && now[metric] !== null && before[metric] !== null && before[metric]! - now[metric]! > drop + 1e-9;
        const scenarioDropped = s !== null && s !== undefined && b !== null && b !== undefined && b - s > drop + 1e-9;
        if (!channelDropped && !scenarioDropped) continue;
        const key = `${c.record.channel}/${c.record.pack}/${c.record.case}#${c.record.variant}`;
        const worse = opts.worse ? opts.worse.has(key) : own(c, metric) < (b ?? before[metric] ?? 0);
        if (worse) add(c.record.id, `${metric} dropped against the baseline in ${c.record.channel}${scenarioDropped ? ` / ${c.record.pack}` : ''} (--baseline, --max-drop ${drop})`);
      }
    }
  }
  return out;
}

export function checkGate(summary: Summary, opts: { failUnder?: Partial<Record<Metric, number>>; baseline?: Summary; maxDrop?: number; partial?: boolean }): GateResult {
  const failures: string[] = [];
  const scopes: [string, Partial<Record<Metric, number | null>>][] = [
    ['bank', summary.bank],
    ...Object.entries(summary.channels).map(([name, c]) => [`channel ${name}`, c] as [string, Partial<Record<Metric, number | null>>]),
  ];
  for (const [metric, min] of Object.entries(opts.failUnder ?? {}) as [Metric, number][]) {
    for (const [scope, scores] of scopes) {
      const v = scores[metric];
      if (v !== null && v !== undefined && v < min) failures.push(`${scope}: ${metric} ${v.toFixed(2)} < ${min}`);
    }
  }
  if (opts.baseline) {
    const drop = opts.maxDrop ?? 0;
    for (const [name, c] of Object.entries(summary.channels)) {
      const b = opts.baseline.channels[name];
      if (!b) continue;
      // Over a partial overlap a channel's mean mixes different cases: only shared scenarios compare.
      for (const metric of opts.partial ? [] : METRICS) {
        const now = c[metric];
        const before = b[metric];
        if (now === null || before === null) continue;
        if (before - now > drop + 1e-9) failures.push(`channel ${name}: ${metric} dropped ${(before - now).toFixed(2)} (${before.toFixed(2)} → ${now.toFixed(2)}), more than --max-drop ${drop}`);
      }
      for (const [pack, s] of Object.entries(c.scenarios)) {
        const bs = b.scenarios[pack];
        if (!bs) continue;
        for (const metric of ['recognition', 'completeness'] as const) {
          const now = s[metric];
          const before = bs[metric];
          if (now === null || before === null) continue;
          if (before - now > drop + 1e-9) failures.push(`channel ${name} / ${pack}: ${metric} dropped ${(before - now).toFixed(2)} (${before.toFixed(2)} → ${now.toFixed(2)})`);
        }
      }
    }
  }
  return { failures };
}

/** Why a set of gates cannot compare: what differs between a run and its baseline. */
export function baselineMismatch(summary: Summary, baseline: Summary): string[] {
  const out: string[] = [];
  if (summary.run.bank !== baseline.run.bank) out.push(`bank: this run is "${summary.run.bank}", the baseline "${baseline.run.bank}"`);
  const chNow = Object.keys(summary.channels).sort();
  const chBase = Object.keys(baseline.channels).sort();
  const onlyNow = chNow.filter((c) => !chBase.includes(c));
  const onlyBase = chBase.filter((c) => !chNow.includes(c));
  if (onlyNow.length) out.push(`channels not in the baseline: ${onlyNow.join(', ')}`);
  if (onlyBase.length) out.push(`channels of the baseline not in this run: ${onlyBase.join(', ')}`);
  const key = (s: Summary) => new Set(s.cases.map((c) => `${c.channel}/${c.pack}/${c.case}`));
  const a = key(summary);
  const b = key(baseline);
  const missing = [...b].filter((k) => !a.has(k) && chNow.includes(k.split('/')[0]));
  const extra = [...a].filter((k) => !b.has(k) && chBase.includes(k.split('/')[0]));
  if (missing.length) out.push(`${missing.length} case(s) of the baseline not in this run's plan (e.g. ${missing[0]})`);
  if (extra.length) out.push(`${extra.length} case(s) not in the baseline's plan (e.g. ${extra[0]})`);
  const n = (s: Summary) => Object.fromEntries(s.cases.map((c) => [`${c.channel}/${c.pack}/${c.case}`, c.n]));
  const nNow = n(summary);
  const nBase = n(baseline);
  const differentN = Object.keys(nNow).filter((k) => k in nBase && nNow[k] !== nBase[k]);
  if (differentN.length) out.push(`${differentN.length} case(s) ran a different number of conversations (variants/repeats; e.g. ${differentN[0]}: ${nNow[differentN[0]]} vs ${nBase[differentN[0]]})`);
  return out;
}
