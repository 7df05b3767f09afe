import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../../harness/config/load.ts';
import { localeSchema } from '../../harness/config/scenario.ts';
import { exchangesOf, loadFixtures } from '../../harness/grade/calibrate.ts';
import { normalise } from '../../harness/grade/normalise.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';
import { locale } from '../helpers/grade.ts';

// Several runs in one process (a library user, a benchmark) each load the
// packs and the locale anew; the grader keeps what it built for the first by
// what it depends on. A run must grade exactly as a fresh process would, and
// a locale that differs must never read words by another's tables.

const scenariosDir = fileURLToPath(new URL('../../scenarios/zh-CN/', import.meta.url));
const fixturesDir = fileURLToPath(new URL('../../calibration/zh-CN/', import.meta.url));

async function gradeFixtures() {
  const { packs, locale } = loadPacks(scenariosDir);
  const ctx = { packs, locale, cannedReplies: new Set<string>(), fuzzyThreshold: 0.8 };
  const grades = [];
  for (const f of loadFixtures(fixturesDir).slice(0, 120)) {
    const pack = packs.find((p) => p.id === f.pack)!;
    const scenarioCase = pack.cases.find((c) => c.id === f.case)!;
    const input = { pack, case: scenarioCase, turnIndex: f.turn, exchanges: exchangesOf(f), transcribed: f.transcribed === true };
    grades.push(await rulesGrader.gradeTurn(input, ctx));
  }
  return grades;
}

describe('grading packs loaded again in the same process', () => {
  it('gives every reply the same grade and reasons as the first load did', async () => {
    const first = await gradeFixtures();
    const again = await gradeFixtures();
    expect(again).toEqual(first);
    expect(first.some((g) => g.level === 'off-topic')).toBe(true);
  });

  it('reads a word by the lexicon of its own locale, not that of one loaded before', () => {
    expect(normalise('掌上银行营业厅', locale)).toBe('手机银行网点');
    const same = localeSchema.parse(structuredClone(locale));
    expect(normalise('掌上银行营业厅', same)).toBe('手机银行网点');
    const without = localeSchema.parse({ ...structuredClone(locale), synonyms: { 营业厅: '网点' } });
    expect(normalise('掌上银行营业厅', without)).toBe('掌上银行网点');
  });
});
