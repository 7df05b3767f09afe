import { loadPacks, locate } from '../config/load.ts';
import { calibrate, formatCalibration } from '../grade/calibrate.ts';
import { graders } from '../grade/index.ts';

// harness calibrate: how far a grader agrees with hand labels. Exit 1 when
// the rules grader misses its calibration targets (≥90 % recognition
// agreement, completeness MAE ≤0.6), so a grader change cannot silently drift.

export async function calibrateCommand(o: { grader: 'rules' | 'llm'; lang: 'zh' | 'en'; fixtures: string }): Promise<number> {
  const { packs, locale } = loadPacks();
  const grader = await graders[o.grader]();
  try {
    const result = await calibrate({ grader, fixturesDir: locate(o.fixtures), packs, locale });
    process.stdout.write(formatCalibration(result, o.lang) + '\n');
    const ok = result.agreement >= 0.9 && result.completenessMAE <= 0.6;
    return ok ? 0 : 1;
  } finally {
    await grader.close?.();
  }
}
