import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadBank, loadPacks } from '../config/load.ts';
import { HarnessError } from '../errors.ts';
import type { Summary } from '../score/types.ts';
import type { GradedConversation } from '../types.ts';
import { finishRun } from './finish.ts';
import type { RunOptions } from './index.ts';
import { runIdOf } from './index.ts';
import { gradeRun } from './grade-run.ts';
import { readJournal } from './journal.ts';

// harness report: one run → re-render its reports from the journal; several
// runs → the banks' comparison; --baseline → a run-against-run diff.

export async function reportCommand(runs: string[], o: { out?: string; baseline?: string; lang?: 'zh' | 'en'; grader?: 'rules' | 'llm' | 'both' }): Promise<string[]> {
  const log = (m: string) => process.stderr.write(m + '\n');
  if (runs.length === 1 && !o.baseline) {
    const loaded = await loadRun(runs[0], o.lang);
    const opts = o.grader ? { ...loaded.finish.opts, grader: o.grader } : loaded.finish.opts;
    await finishRun({ ...loaded.finish, opts, log });
    return ['summary.json', 'report.md', 'index.html', 'junit.xml', 'results.csv'].map((f) => join(loaded.finish.runDir, f));
  }
  if (o.baseline) {
    if (runs.length !== 1) throw new HarnessError('E_USAGE', '--baseline compares one run with another: pass one run folder');
    const [head, base] = await Promise.all([loadRun(runs[0], o.lang), loadRun(o.baseline, o.lang)]);
    const { renderDiff } = await import('../../reports/diff/index.ts');
    const lang = o.lang ?? head.summary.run.lang;
    const diff = await renderDiff({ summary: base.summary, conversations: await base.graded() }, { summary: head.summary, conversations: await head.graded() }, lang);
    const out = resolve(o.out ?? join(head.finish.runDir, 'diff'));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'index.html'), diff.html);
    writeFileSync(join(out, 'report.md'), diff.markdown);
    return [join(out, 'index.html'), join(out, 'report.md')];
  }
  const summaries = runs.map((dir) => ({ dir: resolve(dir), summary: readSummary(dir) }));
  const { renderComparison } = await import('../../reports/compare/index.ts');
  const lang = o.lang ?? summaries[0].summary.run.lang ?? 'zh';
  const result = await renderComparison({ runs: summaries, lang });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const out = resolve(o.out ?? join('runs', `compare-${stamp}`));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.html'), result.html);
  writeFileSync(join(out, 'report.md'), result.markdown);
  writeFileSync(join(out, 'comparison.json'), JSON.stringify({ runs: summaries.map((s) => ({ dir: s.dir, run: s.summary.run, bank: s.summary.bank, online: s.summary.online, hotline: s.summary.hotline })) }, null, 2) + '\n');
  return [join(out, 'index.html'), join(out, 'report.md'), join(out, 'comparison.json')];
}

function readSummary(dir: string): Summary {
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) throw new HarnessError('E_NORUN', `${dir} has no summary.json — finish or re-render that run first (harness report ${dir})`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function loadRun(dir: string, lang?: 'zh' | 'en') {
  const runDir = resolve(dir);
  const manifestFile = join(runDir, 'run.json');
  if (!existsSync(manifestFile)) throw new HarnessError('E_NORUN', `${dir} has no run.json — pass a folder written by harness run`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const options: RunOptions = { ...manifest.options, lang: lang ?? manifest.options.lang };
  const bank = loadBank(options.bank, options.set);
  const { packs, locale } = loadPacks(options.scenariosDir);
  const summary = existsSync(join(runDir, 'summary.json')) ? (JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary) : undefined;
  return {
    summary: summary!,
    finish: { runDir, runId: runIdOf(runDir), profile: bank.profile, packs, locale, startedAt: manifest.startedAt, opts: options, good: options.good ?? 4 },
    graded: (): Promise<GradedConversation[]> => gradeRun(readJournal(runDir).records, { packs, locale, grader: 'rules', good: options.good ?? 4, lang: options.lang }),
  };
}
