import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderers, rendererKinds } from '../../reports/index.ts';
import type { RenderInput } from '../../reports/types.ts';
import type { BankProfile } from '../config/bank.ts';
import type { Locale, Pack } from '../config/scenario.ts';
import { EXIT, HarnessError } from '../errors.ts';
import { checkGate } from '../score/gate.ts';
import { rollup } from '../score/rollup.ts';
import type { Summary } from '../score/types.ts';
import type { GradedConversation } from '../types.ts';
import { gradeRun } from './grade-run.ts';
import { readJournal, writeJsonAtomic } from './journal.ts';
import type { RunOptions, RunResult } from './index.ts';

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
  opts: RunOptions;
  good: number;
  log(message: string): void;
}

export async function finishRun(x: FinishInput): Promise<RunResult> {
  const { records } = readJournal(x.runDir);
  const inPlan = x.planIds ? records.filter((r) => x.planIds!.has(r.id)) : records;
  const grader = x.opts.grader ?? 'rules';
  const llm = grader === 'rules' ? undefined : await judgeFor(x);
  let conversations: GradedConversation[];
  const lang = x.opts.lang ?? (x.profile.locale.startsWith('zh') ? 'zh' : 'en');
  try {
    conversations = await gradeRun(inPlan, { packs: x.packs, locale: x.locale, grader, good: x.good, llm, lang });
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
    finishedAt: new Date().toISOString(),
    grader,
    good: x.good,
    shard: x.opts.shard ? `${x.opts.shard.index}/${x.opts.shard.total}` : undefined,
    lang,
  });
  if (grader === 'both') {
    const { agreementOfConversations } = await import('../grade/agreement.ts');
    const a = agreementOfConversations(conversations);
    summary.agreement = { kappa: a.kappa, agreement: a.agreement, disagreements: a.disagreements.length };
  }
  const baseline = x.opts.baseline ? loadBaseline(x.opts.baseline) : undefined;
  writeJsonAtomic(join(x.runDir, 'summary.json'), summary);
  await renderAll({ runDir: x.runDir, summary, conversations, packs: x.packs, lang, baseline: baseline?.run }, x.log);

  const gate = checkGate(summary, { failUnder: x.opts.failUnder, baseline: baseline?.summary, maxDrop: x.opts.maxDrop });
  const errorRate = summary.run.conversations ? summary.run.errors / summary.run.conversations : 0;
  let exitCode: number = EXIT.ok;
  if (gate.failures.length) exitCode = EXIT.gateFailed;
  if (errorRate > (x.opts.maxErrorRate ?? 0.1)) exitCode = EXIT.incomplete;
  return { runDir: x.runDir, summary, exitCode, gate, interrupted: false };
}

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

export async function renderAll(input: RenderInput, log: (m: string) => void): Promise<void> {
  for (const kind of rendererKinds) {
    try {
      const renderer = await renderers[kind]();
      writeFileSync(join(input.runDir, renderer.file), await renderer.render(input));
    } catch (err) {
      // One broken renderer must not cost the others (or the journal).
      log(`the ${kind} report could not be rendered: ${(err as Error).message}`);
    }
  }
}

/** --baseline takes a summary.json or a run folder (whose conversations enable a per-case diff). */
export function loadBaseline(path: string): { summary: Summary; run?: { summary: Summary; conversations: GradedConversation[] } } {
  const file = existsSync(join(path, 'summary.json')) ? join(path, 'summary.json') : path;
  if (!existsSync(file)) throw new HarnessError('E_NOBASELINE', `--baseline ${path}: no summary.json there — pass a run folder or its summary.json`);
  let summary: Summary;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new HarnessError('E_NOBASELINE', `--baseline ${file} is not valid JSON`);
  }
  if (!summary?.channels || !summary.run) throw new HarnessError('E_NOBASELINE', `--baseline ${file} is not a harness summary.json`);
  return { summary };
}
