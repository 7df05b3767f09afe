import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadBank, loadPacks } from '../config/load.ts';
import { EXIT, HarnessError } from '../errors.ts';
import { baselineMismatch, checkGate } from '../score/gate.ts';
import type { Summary } from '../score/types.ts';
import type { GradedConversation } from '../types.ts';
import { finishRun } from './finish.ts';

import { compareRuns } from '../score/compare.ts';
import { diffRuns } from '../score/diff.ts';
import { views } from '../../reports/index.ts';
import type { ViewRenderer } from '../../reports/types.ts';
import { RunFolder, packHash } from '../run/folder.ts';
import type { BankProfile } from '../config/bank.ts';
import { caseIn, type Locale, type Pack } from '../config/scenario.ts';
import type { Lang } from '../score/types.ts';
import type { RunOptions } from '../run/index.ts';
import { gradeRun } from '../run/grade-run.ts';
import { readJournal } from '../run/journal.ts';

// harness report: one run → re-render its reports from the journal; several
// runs → the banks' comparison; --baseline → a run-against-run diff.

export interface ReportOptions {
  out?: string;
  baseline?: string;
  baselinePartial?: boolean;
  lang?: Lang;
  grader?: 'rules' | 'llm' | 'both';
  regrade?: boolean;
  failUnder?: RunOptions['failUnder'];
  maxDrop?: number;
}

export interface ReportResult {
  files: string[];
  failures: string[];
  exitCode: number;
}

export async function reportCommand(runs: string[], o: ReportOptions): Promise<ReportResult> {
  const log = (m: string) => process.stderr.write(m + '\n');
  if (runs.length === 1 && !o.baseline) {
    const loaded = await loadRun(runs[0], o.lang, o.regrade);
    const opts = { ...loaded.finish.opts, ...(o.grader ? { grader: o.grader } : {}), failUnder: o.failUnder };
    const result = await finishRun({ ...loaded.finish, opts, log });
    return { files: [join(loaded.finish.runDir, 'summary.json'), ...result.files], failures: result.gate.failures, exitCode: result.exitCode };
  }
  if (o.baseline) {
    if (runs.length !== 1) throw new HarnessError('E_USAGE', '--baseline compares one run with another: pass one run folder');
    const [head, base] = await Promise.all([loadRun(runs[0], o.lang), loadRun(o.baseline, o.lang)]);
    const mismatch = baselineMismatch(head.summary, base.summary);
    if (mismatch.length && !o.baselinePartial) {
      throw new HarnessError('E_BASELINE', `${o.baseline} is not comparable with ${runs[0]}:\n  ${mismatch.join('\n  ')}\ncompare like with like, or pass --baseline-partial to compare what both share`, EXIT.usage);
    }
    if (mismatch.length) log(`--baseline-partial: comparing only what both runs share (${mismatch.join('; ')})`);
    const diff = diffRuns({ summary: base.summary, conversations: await base.graded() }, { summary: head.summary, conversations: await head.graded() });
    const files = await writeView(await views.diff(), { diff, lang: o.lang ?? head.summary.run.lang }, resolve(o.out ?? join(head.finish.runDir, 'diff')));
    const failures = checkGate(head.summary, { failUnder: o.failUnder, baseline: base.summary, maxDrop: o.maxDrop ?? Infinity, partial: mismatch.length > 0 }).failures;
    return { files, failures, exitCode: failures.length ? EXIT.gateFailed : EXIT.ok };
  }
  const summaries = runs.map((dir) => ({ dir: resolve(dir), summary: readSummary(dir) }));
  const comparison = compareRuns(summaries);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const out = resolve(o.out ?? join('runs', `compare-${stamp}`));
  const written = await writeView(await views.compare(), { comparison, lang: o.lang ?? summaries[0].summary.run.lang ?? 'zh' }, out);
  writeFileSync(join(out, 'comparison.json'), JSON.stringify({ runs: summaries.map((s) => ({ dir: s.dir, run: s.summary.run, bank: s.summary.bank, online: s.summary.online, hotline: s.summary.hotline, scorecard: s.summary.scorecard })) }, null, 2) + '\n');
  return { files: [...written, join(out, 'comparison.json')], failures: [], exitCode: EXIT.ok };
}

async function writeView<I>(view: ViewRenderer<I>, input: I, out: string): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const files = view.render(input);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  return Object.keys(files).map((f) => join(out, f));
}

function readSummary(dir: string): Summary {
  return new RunFolder(dir).readSummary();
}

/**
 * A run as it was: the packs and the redacted profile from its snapshot (so
 * no secret and no profile file is needed), compared with the packs on disk
 * now. With `regrade`, the packs on disk are used instead.
 */
async function loadRun(dir: string, lang?: Lang, regrade = false) {
  const folder = new RunFolder(dir);
  const manifest = folder.readManifest();
  const options: RunOptions = { ...manifest.options, lang: lang ?? manifest.options.lang };
  const log = (m: string) => process.stderr.write(m + '\n');
  let packs: Pack[];
  let locale: Locale;
  let profile: BankProfile;
  if (folder.hasSnapshot() && !regrade) {
    ({ packs, locale, profile } = folder.readSnapshot());
    const changed = changedPacks(manifest.packs, options.scenariosDir);
    if (changed) log(`note: ${changed} — ${folder.shown} is rendered with the packs it ran with (grade it against today's packs with --regrade)`);
  } else {
    // A run from before snapshots, or --regrade: today's packs and profile.
    if (!folder.hasSnapshot()) log(`note: ${folder.shown} keeps no snapshot of its packs; grading it with the packs and profile on disk`);
    ({ packs, locale } = loadPacks(options.scenariosDir));
    profile = folder.hasSnapshot() ? folder.readSnapshot().profile : loadBank(options.bank, options.set).profile;
    const missing = readJournal(folder.dir).records.filter((r) => !packs.some((p) => p.id === r.pack && caseIn(p, r.case)));
    if (missing.length) log(`warning: ${missing.length} conversation(s) of ${folder.shown} belong to cases no longer in the packs (e.g. ${missing[0].pack}/${missing[0].case}) and are left out`);
  }
  const summary = folder.has('summary') ? folder.readSummary() : undefined;
  return {
    summary: summary!,
    finish: { runDir: folder.dir, runId: folder.id, profile, packs, locale, startedAt: manifest.startedAt, finishedAt: manifest.finishedAt, opts: options, good: options.good ?? 4 },
    graded: (): Promise<GradedConversation[]> => gradeRun(readJournal(folder.dir).records, { packs, locale, grader: 'rules', good: options.good ?? 4, lang: options.lang }),
  };
}

/** Which packs differ between a run and the scenario folder now, in words; undefined when none. */
function changedPacks(hashes: Record<string, string>, scenariosDir?: string): string | undefined {
  let now: Pack[];
  try {
    now = loadPacks(scenariosDir).packs;
  } catch {
    return `the scenario folder ${scenariosDir ?? 'scenarios/zh-CN'} cannot be loaded now`;
  }
  const byId = new Map(now.map((p) => [p.id, packHash(p)]));
  const edited = Object.keys(hashes).filter((id) => byId.has(id) && byId.get(id) !== hashes[id]);
  const gone = Object.keys(hashes).filter((id) => !byId.has(id));
  if (!edited.length && !gone.length) return undefined;
  return [edited.length ? `packs changed since the run: ${edited.join(', ')}` : '', gone.length ? `packs no longer on disk: ${gone.join(', ')}` : ''].filter(Boolean).join('; ');
}
