import { HarnessError } from '../errors.ts';
import type { Summary } from './types.ts';

// The CI gate: --fail-under recognition=4,completeness=3.5 and
// --baseline <summary.json> --max-drop 0.2. Failures are listed, exit code 1.

const METRICS = ['recognition', 'completeness', 'effectiveness'] as const;
type Metric = (typeof METRICS)[number];

export function parseFailUnder(text: string): Partial<Record<Metric, number>> {
  const out: Partial<Record<Metric, number>> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!METRICS.includes(k as Metric) || !Number.isFinite(Number(v))) {
      throw new HarnessError('E_USAGE', `--fail-under ${text}: write metric=value pairs, e.g. recognition=4,completeness=3.5 (metrics: ${METRICS.join(', ')})`);
    }
    out[k as Metric] = Number(v);
  }
  return out;
}

export interface GateResult {
  failures: string[];
}

export function checkGate(summary: Summary, opts: { failUnder?: Partial<Record<Metric, number>>; baseline?: Summary; maxDrop?: number }): GateResult {
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
      for (const metric of METRICS) {
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
