import type { Lang } from '../types.ts';
import { loadPacks, locate } from '../config/load.ts';
import { calibrate, formatCalibration, type CalibrationSplit } from '../grade/calibrate.ts';
import { graders } from '../grade/index.ts';

// harness calibrate: how far a grader agrees with hand labels. Exit 1 when
// the rules grader misses its calibration targets (≥90 % recognition
// agreement, completeness MAE ≤0.5), so a grader change cannot silently drift.

export async function calibrateCommand(o: { grader: 'rules' | 'llm'; lang: Lang; fixtures: string; split: CalibrationSplit }): Promise<number> {
  const { packs, locale } = loadPacks();
  const grader = await graders[o.grader]();
  try {
    const result = await calibrate({ grader, fixturesDir: locate(o.fixtures), packs, locale, split: o.split, lang: o.lang });
    process.stdout.write(formatCalibration(result, o.lang) + '\n');
    const ok = result.agreement >= 0.9 && result.completenessMAE <= 0.5;
    return ok ? 0 : 1;
  } finally {
    await grader.close?.();
  }
}
