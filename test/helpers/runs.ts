import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The conversation ids in a run folder's journal, in journal order. */
export const journalIds = (dir: string): string[] =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).id as string);

/** What a run scored, without its timings: two runs of one plan compare equal by this. */
export function runScores(dir: string) {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const strip = (c: any) => ({ recognition: c.recognition, completeness: c.completeness, effectiveness: c.effectiveness, scenarios: Object.fromEntries(Object.entries(c.scenarios).map(([k, v]: any) => [k, [v.recognition, v.completeness, v.n]])) });
  return { conversations: s.run.conversations, errors: s.run.errors, channels: Object.fromEntries(Object.entries(s.channels).map(([k, v]) => [k, strip(v)])), cases: s.cases.map((c: any) => [c.channel, c.pack, c.case, c.recognition, c.completeness]) };
}

/** Each scenario of `channel` scores within `tolerance` of `reference` in one summary.json. */
export function expectSameScores(s: any, channel: string, reference: string, tolerance: number): void {
  for (const [pack, ref] of Object.entries<any>(s.channels[reference].scenarios)) {
    const got = s.channels[channel].scenarios[pack];
    expect(got, `${channel}/${pack}`).toBeDefined();
    expect(Math.abs(got.recognition - ref.recognition), `${channel}/${pack} recognition ${got.recognition} vs ${reference} ${ref.recognition}`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(got.completeness - ref.completeness), `${channel}/${pack} completeness ${got.completeness} vs ${reference} ${ref.completeness}`).toBeLessThanOrEqual(tolerance);
  }
}
