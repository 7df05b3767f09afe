import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../../harness/config/load.ts';
import { calibrate } from '../../harness/grade/calibrate.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';

// Every grade of the calibration set (all splits), turn by turn: a change
// meant to make the grader faster must leave this file untouched. A change
// to grading itself updates it on purpose (`npx vitest run -u
// test/grade/snapshot.test.ts`) and the diff shows which replies moved.

const fixturesDir = fileURLToPath(new URL('../../calibration/zh-CN/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../../scenarios/zh-CN/', import.meta.url));

describe('calibration grades', () => {
  it('are the recorded ones, and the same when graded again (no cache leaks between readings)', async () => {
    const { packs, locale } = loadPacks(scenariosDir);
    const grades = async () =>
      (await calibrate({ grader: rulesGrader, fixturesDir, packs, locale, split: 'all' })).rows.map((r) => ({
        id: r.id,
        level: r.got.level,
        recognition: r.got.recognition,
        completeness: r.got.completeness,
        hits: r.got.hits,
      }));
    const first = await grades();
    expect(first.length).toBeGreaterThanOrEqual(600);
    await expect(JSON.stringify(first, null, 1) + '\n').toMatchFileSnapshot('../fixtures/grades/calibration-zh-CN.json');
    expect(await grades()).toEqual(first);
    // Grades 750 replies twice: a loaded machine needs more than the unit project's 30 s.
  }, 180_000);
});
