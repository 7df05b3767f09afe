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
import type { ConversationRecord, GradedConversation } from '../types.ts';
import { setupProblems, type StopRecord } from '../score/setup.ts';
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
  try {
    conversations = await gradeRun(inPlan, { packs: x.packs, locale: x.locale, grader, good: x.good, llm });
  } catch (err) {
    if ((err as Error)?.name !== 'LlmJudgeError') throw err;
    // The journal is intact: only grading failed, and it can be replayed.
    throw new HarnessError('E_JUDGE', `the LLM judge failed: ${(err as Error).message}\nthe conversations are saved; grade them again with: npx harness report ${x.runDir} --grader ${grader}`, EXIT.incomplete);
  }
  const lang = x.opts.lang ?? (x.profile.locale.startsWith('zh') ? 'zh' : 'en');
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
  const stopped = readStopped(x.runDir);
  const setup = setupProblems(inPlan, stopped, x.opts.bank, x.opts.set);
  if (setup.length) summary.setup = setup;
  const baseline = x.opts.baseline ? loadBaseline(x.opts.baseline) : undefined;
  writeJsonAtomic(join(x.runDir, 'summary.json'), summary);
  await renderAll({ runDir: x.runDir, summary, conversations, packs: x.packs, lang, baseline: baseline?.run }, x.log);

  const gate = checkGate(summary, { failUnder: x.opts.failUnder, baseline: baseline?.summary, maxDrop: x.opts.maxDrop });
  const errorRate = summary.run.conversations ? summary.run.errors / summary.run.conversations : 0;
  let exitCode: number = EXIT.ok;
  if (gate.failures.length) exitCode = EXIT.gateFailed;
  if (errorRate > (x.opts.maxErrorRate ?? 0.1)) exitCode = EXIT.incomplete;
  // A stopped channel was not benchmarked: the run is incomplete, whatever the others scored.
  if (stopped.length) exitCode = EXIT.incomplete;
  return { runDir: x.runDir, summary, exitCode, gate, interrupted: false, stopped, errorCauses: errorCauses(inPlan) };
}

/** Channels stopped by preflight or the breaker, as kept in run.json. */
function readStopped(runDir: string): StopRecord[] {
  const file = join(runDir, 'run.json');
  if (!existsSync(file)) return [];
  try {
    const stopped = JSON.parse(readFileSync(file, 'utf8')).stopped;
    return Array.isArray(stopped) ? stopped : [];
  } catch {
    return [];
  }
}

export interface ErrorCause {
  channel: string;
  kind: string;
  count: number;
  /** One message of this kind, as an example. */
  example: string;
}

/** Conversations that ended in errors, grouped by channel and kind, most frequent first. */
export function errorCauses(records: ConversationRecord[]): ErrorCause[] {
  const by = new Map<string, ErrorCause>();
  for (const r of records) {
    if (!r.error) continue;
    const key = `${r.channel}\0${r.error.kind}`;
    const c = by.get(key);
    if (c) c.count++;
    else by.set(key, { channel: r.channel, kind: r.error.kind, count: 1, example: r.error.message });
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
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
