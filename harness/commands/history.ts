import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { views } from '../../reports/index.ts';
import { displayPath } from '../config/yaml.ts';
import { EXIT, HarnessError } from '../errors.ts';
import { RunFolder } from '../run/folder.ts';
import { historyOf } from '../score/history.ts';
import type { Lang, Summary } from '../score/types.ts';

// harness history --bank X: every finished run of the bank under --runs, of
// the newest run's plan, as trend tables and line charts with regressions
// marked: history.md, history.html and history.json.

export interface HistoryOptions {
  bank: string;
  runs?: string;
  out?: string;
  lang?: Lang;
  maxDrop?: number;
  log?: (line: string) => void;
}

export async function historyCommand(o: HistoryOptions): Promise<{ files: string[]; exitCode: number }> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = resolve(o.runs ?? 'runs');
  if (!existsSync(root)) throw new HarnessError('E_USAGE', `no runs folder at ${displayPath(root)} — pass --runs <folder that holds the run folders>`);
  const found: { dir: string; summary: Summary }[] = [];
  const banks = new Set<string>();
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'summary.json'))) continue;
    try {
      const summary = new RunFolder(dir).readSummary();
      banks.add(summary.run.bank);
      found.push({ dir, summary });
    } catch (err) {
      log(`skipped ${displayPath(dir)}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (!found.some((r) => r.summary.run.bank === o.bank)) {
    throw new HarnessError('E_USAGE', `no finished run of bank "${o.bank}" under ${displayPath(root)}${banks.size ? ` — banks there: ${[...banks].sort().join(', ')}` : ' (no run folder with a summary.json)'}`);
  }
  const history = historyOf(found, { bank: o.bank, maxDrop: o.maxDrop });
  for (const x of history.excluded) log(`left out ${x.id}: another plan than the newest run (${x.reason})`);
  if (history.runs.length < 2) log(`only one run of ${o.bank} with this plan: nothing to compare yet`);
  const out = resolve(o.out ?? join(root, `history-${o.bank}`));
  mkdirSync(out, { recursive: true });
  const files = (await views.history()).render({ history, lang: o.lang ?? found.find((r) => r.summary.run.bank === o.bank)!.summary.run.lang });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  writeFileSync(join(out, 'history.json'), JSON.stringify(history, null, 2) + '\n');
  return { files: [...Object.keys(files), 'history.json'].map((f) => join(out, f)), exitCode: EXIT.ok };
}
