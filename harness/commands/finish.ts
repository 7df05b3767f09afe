import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runRenderers } from '../../reports/index.ts';
import type { RenderInput } from '../../reports/types.ts';
import type { ChartPainter } from '../../reports/html/charts.ts';
import type { BankProfile } from '../config/bank.ts';
import type { Locale, Pack } from '../config/scenario.ts';
import { EXIT, HarnessError } from '../errors.ts';
import { attributeGate, baselineMismatch, checkGate } from '../score/gate.ts';
import { rollup } from '../score/rollup.ts';
import { computeScorecard } from '../score/scorecard.ts';
import { summarySchema, type Summary } from '../score/types.ts';
import type { CaseGrade, ConversationRecord, GradedConversation } from '../types.ts';
import { gradeRun } from '../run/grade-run.ts';
import { RunFolder } from '../run/folder.ts';
import { agreementOfConversations } from '../score/agreement.ts';
import { errorCauses, setupProblems } from '../score/setup.ts';
import { diffRuns } from '../score/diff.ts';
import { readJournal, writeJsonAtomic } from '../run/journal.ts';
import { reportLang, type RunOptions, type RunResult } from '../run/index.ts';

// After the conversations: grade the journal, roll up, write summary.json and
// every report, then apply the CI gate. Pure replay: `harness report` and
// `harness merge` call the same code on journals alone.

export interface FinishInput {
  runDir: string;
  runId: string;
  profile: BankProfile;
  packs: Pack[];
  locale: Locale;
  /** Only these conversations count (the run's plan); undefined = every journalled one. */
  planIds?: Set<string>;
  startedAt: string;
  /** Re-rendering keeps the run's own finish time, so its reports come out byte-identical. */
  finishedAt?: string;
  opts: RunOptions;
  good: number;
  /** Grades given while the run went on (rules grader), reused when the final context matches. */
  liveGrades?: Map<string, CaseGrade>;
  /** The journal's records when the caller holds them (the run just wrote them); else it is read. */
  records?: ConversationRecord[];
  /** Who paints the charts of index.html, when not this thread. */
  paintCharts?: ChartPainter;
  log(message: string): void;
}

export async function finishRun(x: FinishInput): Promise<RunResult> {
  const records = x.records ?? readJournal(x.runDir).records;
  const inPlan = x.planIds ? records.filter((r) => x.planIds!.has(r.id)) : records;
  const grader = x.opts.grader ?? 'rules';
  const lang = reportLang(x.opts, x.profile);
  const llm = grader === 'rules' ? undefined : await judgeFor(x);
  let conversations: GradedConversation[];
  try {
    conversations = await gradeRun(inPlan, { packs: x.packs, locale: x.locale, grader, good: x.good, llm, lang, live: grader === 'rules' ? x.liveGrades : undefined });
  } catch (err) {
    if ((err as Error)?.name !== 'LlmJudgeError') throw err;
    // The journal is intact: only grading failed, and it can be replayed.
    throw new HarnessError('E_JUDGE', `the LLM judge failed: ${(err as Error).message}\nthe conversations are saved; grade them again with: npx harness report ${x.runDir} --grader ${grader}`, EXIT.incomplete);
  }
  const summary = rollup({
    runId: x.runId,
    profile: x.profile,
    packs: x.packs,
    conversations,
    startedAt: x.startedAt,
    finishedAt: x.finishedAt ?? new Date().toISOString(),
    grader,
    good: x.good,
    shard: x.opts.shard ? `${x.opts.shard.index}/${x.opts.shard.total}` : undefined,
    lang,
  });
  const manifest = new RunFolder(x.runDir).has('manifest') ? new RunFolder(x.runDir).readManifest() : undefined;
  const stopped = manifest?.stopped ?? [];
  summary.scorecard = computeScorecard({ profile: x.profile, conversations, summary, skipped: manifest?.skipped });
  const setup = setupProblems(inPlan, stopped, x.opts.bank, x.opts.set);
  if (setup.length) summary.setup = setup;
  const agreement = grader === 'both' ? agreementOfConversations(conversations) : undefined;
  if (agreement) summary.agreement = { kappa: agreement.kappa, agreement: agreement.agreement, disagreements: agreement.disagreements.length };
  const baseline = x.opts.baseline ? await loadBaseline(x.opts.baseline) : undefined;
  if (baseline) summary.baseline = { id: baseline.summary.run.id, path: x.opts.baseline! };
  const diff = baseline?.run ? diffRuns(baseline.run, { summary, conversations }) : undefined;
  // A gate compares like with like: the same bank, channels and plan, or (asked for) their overlap.
  const mismatch = baseline ? baselineMismatch(summary, baseline.summary) : [];
  if (mismatch.length && x.opts.baselinePartial) x.log(`--baseline-partial: comparing only what both runs share (${mismatch.join('; ')})`);
  const gateOpts = { failUnder: x.opts.failUnder, baseline: mismatch.length && !x.opts.baselinePartial ? undefined : baseline?.summary, maxDrop: x.opts.maxDrop, partial: mismatch.length > 0 };
  const checked = checkGate(summary, gateOpts);
  const gate = { ...checked, byConversation: checked.failures.length ? attributeGate(summary, conversations, { ...gateOpts, worse: diff ? new Set(diff.worse.map((d) => d.key)) : undefined }) : {} };
  const folder = new RunFolder(x.runDir);
  folder.writeSummary(summary);
  if (!x.finishedAt && folder.has('manifest')) folder.writeManifest({ ...folder.readManifest(), finishedAt: summary.run.finishedAt });
  const files = await renderAll({ runDir: x.runDir, summary, conversations, packs: x.packs, lang, diff, agreement, gate, paintCharts: x.paintCharts }, x.log);
  if (mismatch.length && !x.opts.baselinePartial) {
    throw new HarnessError('E_BASELINE', `--baseline ${x.opts.baseline} is not comparable with this run:\n  ${mismatch.join('\n  ')}\ncompare like with like (same bank, channels, packs and plan), or pass --baseline-partial to gate on what both share; the run and its reports are saved in ${x.runDir}`, EXIT.usage);
  }

  const errorRate = summary.run.conversations ? summary.run.errors / summary.run.conversations : 0;
  let exitCode: number = EXIT.ok;
  if (gate.failures.length) exitCode = EXIT.gateFailed;
  if (errorRate > (x.opts.maxErrorRate ?? 0.1)) exitCode = EXIT.incomplete;
  // A stopped channel was not benchmarked: the run is incomplete, whatever the others scored.
  if (stopped.length) exitCode = EXIT.incomplete;
  return { runDir: x.runDir, summary, exitCode, gate, interrupted: false, files, stopped, errorCauses: errorCauses(inPlan) };
}

/** The console's end-of-run lines about what went wrong: stopped channels, error causes, setup flags. */
export function formatProblems(result: Pick<RunResult, 'summary' | 'stopped' | 'errorCauses'>): string[] {
  const out: string[] = [];
  const causes = result.errorCauses ?? [];
  if (causes.length) {
    out.push('errors by cause:');
    for (const c of causes) out.push(`  ${c.channel.padEnd(12)} ${c.kind.padEnd(13)} ×${c.count}  e.g. ${oneLine(c.example, 160)}`);
  }
  for (const p of result.summary.setup ?? []) {
    if (p.problem === 'stopped') {
      out.push(`channel ${p.channel} was stopped (${p.by === 'breaker' ? 'circuit breaker' : 'preflight'}): ${p.kind}: ${oneLine(p.cause, 300)}`);
      for (const f of p.fix.split('\n')) out.push(`  fix: ${f}`);
    } else {
      out.push(`channel ${p.channel}: likely a setup problem — ${p.cause}`);
      out.push(`  check it with: ${p.tryCommand}`);
    }
  }
  return out;
}

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
};



/** The LLM judge from the CLI, then the profile, then the OPENAI_* variables. */
async function judgeFor(x: FinishInput) {
  const { createLlmGrader, LlmJudgeError } = await import('../grade/llm/index.ts');
  const j = x.profile.judge ?? {};
  try {
    return createLlmGrader({
      baseURL: x.opts.judge?.baseURL ?? j.baseURL,
      model: x.opts.judge?.model ?? j.model,
      apiKey: j.apiKey,
      concurrency: x.opts.judge?.concurrency ?? j.concurrency,
    });
  } catch (err) {
    if (err instanceof LlmJudgeError) throw new HarnessError('E_JUDGE', err.message, EXIT.usage);
    throw err;
  }
}

/** Report files being written at once at most: a big run's transcript pages are not all held in memory together. */
const WRITES_IN_FLIGHT = 4;

/**
 * Every run renderer of the registry, each into its own file; returns the
 * files written. A file is written while the next one is rendered: the
 * writes run beside the main thread, the rendering on it.
 */
export async function renderAll(input: RenderInput, log: (m: string) => void): Promise<string[]> {
  const inFlight: Promise<void>[] = [];
  const write = async (file: string, content: string): Promise<void> => {
    while (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift()!.catch(() => undefined);
    const w = writeFile(file, content);
    // Seen to now, so a failure waits for its renderer's turn below instead of going unhandled.
    w.catch(() => undefined);
    inFlight.push(w);
    return w;
  };
  const done: { kind: string; file: string; written: Promise<unknown> }[] = [];
  for (const { kind, load } of runRenderers) {
    const writes: Promise<void>[] = [];
    try {
      const renderer = await load();
      const file = join(input.runDir, renderer.file);
      // Not awaited: a renderer whose charts another thread paints finishes while its pages and the other reports are made.
      const rendered = Promise.resolve(renderer.render(input));
      if (renderer.dir) rmSync(join(input.runDir, renderer.dir), { recursive: true, force: true });
      const made = new Set<string>();
      for (const [page, content] of renderer.pages?.(input) ?? []) {
        const dir = dirname(join(input.runDir, page));
        if (!made.has(dir)) mkdirSync(dir, { recursive: true });
        made.add(dir);
        writes.push(write(join(input.runDir, page), content));
      }
      writes.push(rendered.then((content) => write(file, content)));
      const written = Promise.all(writes);
      // Seen to now: a failure (the rendering's, or a write's) is reported below, in the registry's order.
      written.catch(() => undefined);
      done.push({ kind, file, written });
    } catch (err) {
      // One broken renderer must not cost the others (or the journal).
      await Promise.allSettled(writes);
      log(`the ${kind} report could not be rendered: ${(err as Error).message}`);
    }
  }
  const files: string[] = [];
  for (const { kind, file, written } of done) {
    try {
      await written;
      files.push(file);
    } catch (err) {
      log(`the ${kind} report could not be rendered: ${(err as Error).message}`);
    }
  }
  return files;
}

/** --baseline takes a summary.json or a run folder (whose conversations, graded as they were run, give a per-case diff). */
export async function loadBaseline(path: string): Promise<{ summary: Summary; run?: { summary: Summary; conversations: GradedConversation[] } }> {
  const folder = new RunFolder(path);
  if (folder.has('summary') && folder.has('manifest') && folder.hasSnapshot()) {
    const summary = folder.readSummary();
    const { packs, locale } = folder.readSnapshot();
    const conversations = await gradeRun(readJournal(folder.dir).records, { packs, locale, grader: 'rules', good: summary.good });
    return { summary, run: { summary, conversations } };
  }
  const file = existsSync(join(path, 'summary.json')) ? join(path, 'summary.json') : path;
  if (!existsSync(file)) throw new HarnessError('E_NOBASELINE', `--baseline ${path}: no summary.json there — pass a run folder or its summary.json`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new HarnessError('E_NOBASELINE', `--baseline ${file} is not valid JSON`);
  }
  const parsed = summarySchema.safeParse(data);
  if (!parsed.success) throw new HarnessError('E_NOBASELINE', `--baseline ${file} is not a harness summary.json (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message})`);
  return { summary: parsed.data };
}
