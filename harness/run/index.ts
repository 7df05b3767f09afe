import { setMaxListeners } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { secretValues } from '../config/interpolate.ts';
import { PACKAGE_ROOT, loadBank, loadPacks } from '../config/load.ts';
import { PackCache, PACK_CACHE_DIR } from '../config/pack-cache.ts';
import type { BankProfile } from '../config/bank.ts';
import type { Locale, Pack } from '../config/scenario.ts';
import { HarnessError } from '../errors.ts';
import { startGradeThread, type GradeThread } from '../grade-thread.ts';
import { dropEarly } from '../../bin/grade-early.mjs';
import { langOf, type Lang } from '../grade/messages.ts';
import { checkGate, type GateResult } from '../score/gate.ts';
import type { Summary } from '../score/types.ts';
import type { CaseGrade, ConversationRecord, TraceMode } from '../types.ts';
import { sha256 } from '../util/hash.ts';
import { createRedactor } from '../util/redact.ts';
import { FILES, RunFolder, packHash, storedOptionsSchema, type StoredOptions } from './folder.ts';
import { Journal, readJournal, repairJournal, dropFromJournal } from './journal.ts';
import { buildPlan, itemChannels, type PlanFilter, type PlanSkip } from './plan.ts';
import { createProgress } from './progress.ts';
import type { ErrorCause } from '../score/setup.ts';
import { executePlan } from './runner.ts';
import { liveGrading, type LiveGrading } from './live-grading.ts';
import { startChannels, type StartedChannels } from './channels.ts';
import { tryCommandFor } from '../score/setup.ts';
import { faultFix, formatStop, preflightChannel, type ChannelStop } from './preflight.ts';

/** What a run is asked to do: the stored part (see folder.ts) plus how to run it this time. */
export interface RunOptions extends PlanFilter, Omit<StoredOptions, keyof PlanFilter> {
  concurrency?: number;
  /** Work for the run's idle moments, once the grader's tables are built (the caller's: loading the report renderers); told whether a thread grades. */
  whileRunning?: (gradingThread: boolean) => void;
  /** Keep the grading thread when the run ends (ExecutedRun.thread): the caller has it paint the report's charts, then closes it. */
  keepGradeThread?: boolean;
  out?: string;
  resume?: string;
  /** With --resume: run errored conversations again too. */
  retryErrors?: boolean;
  /** Replace a finished run in the --out folder. */
  force?: boolean;
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  screenshots?: boolean;
  trace?: TraceMode;
  failUnder?: Partial<Record<'recognition' | 'completeness' | 'effectiveness', number>>;
  baseline?: string;
  /** Gate on what the run and its baseline share when their plans differ. */
  baselinePartial?: boolean;
  maxDrop?: number;
  /** Share of conversations that may end in infrastructure errors before exit code 3. */
  maxErrorRate?: number;
  debug?: boolean;
  /** false: skip the one-question check of each channel before the run (--no-preflight). */
  preflight?: boolean;
  /** Grade in a thread of its own (harness/grade-thread.ts); by default as wantsGradeThread says. */
  gradeThread?: boolean;
  log?: (message: string) => void;
}

/**
 * Below this many conversations the thread's start (~0.5 CPU-s) eats what it
 * saves: against a local bot, 300 and 600 conversations ran as fast either
 * way, 2,000 about 12 % faster in the thread.
 */
export const GRADE_THREAD_MIN = 1000;

/**
 * Whether a run grades in a thread of its own: when it is long enough and
 * the machine has a core to spare. An embedded bank's thread already takes
 * the second core, and a third busy thread slows all three (the demo API's
 * 2,000 conversations ran at 1,003/s with it against 1,329/s without).
 */
export function wantsGradeThread(profile: Pick<BankProfile, 'embedded'>, conversations: number, env: NodeJS.ProcessEnv = process.env): boolean {
  // HARNESS_GRADE_THREAD=1 or 0 decides for every run (to compare the two on one workload).
  if (env.HARNESS_GRADE_THREAD === '1' || env.HARNESS_GRADE_THREAD === '0') return env.HARNESS_GRADE_THREAD === '1';
  return !profile.embedded && conversations >= GRADE_THREAD_MIN && availableParallelism() > 1;
}

export interface RunResult {
  runDir: string;
  summary: Summary;
  exitCode: number;
  gate: GateResult;
  interrupted: boolean;
  /** Report files written. */
  files: string[];
  /** Channels stopped by preflight or the circuit breaker, with cause and fix. */
  stopped?: ChannelStop[];
  /** Conversations that ended in errors, by channel and kind, with one example each. */
  errorCauses?: ErrorCause[];
}

/** What the engine leaves for grading, scoring and rendering: the run folder and how it was planned. */
export interface ExecutedRun {
  runDir: string;
  runId: string;
  interrupted: boolean;
  profile: BankProfile;
  packs: Pack[];
  locale: Locale;
  planIds: Set<string>;
  startedAt: string;
  opts: RunOptions;
  good: number;
  /** Grades given while the run went on, by conversation id: the final grading reuses them where its context is the same. */
  liveGrades: Map<string, CaseGrade>;
  /** The journal's records as they are on disk, so finishing need not read it back. */
  records: ConversationRecord[];
  /** The grading thread, still open when the caller asked to keep it (RunOptions.keepGradeThread): the caller closes it. */
  thread?: GradeThread;
  log(message: string): void;
}

const VERSION = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version as string;

/** The engine: plan, run every missing conversation, journal it. Grading and reports come after (harness/commands/run.ts). */
export async function executeRun(input: RunOptions): Promise<ExecutedRun> {
  const opts = input.resume ? resumeOptions(input) : input;
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const bank = loadBank(opts.bank, opts.set);
  const { packs, locale, dir: packsDir } = loadPacks(opts.scenariosDir, new PackCache(join(process.cwd(), PACK_CACHE_DIR)));
  const profile = bank.profile;
  const skipped: PlanSkip[] = [];
  const plan = buildPlan(profile, packs, opts, skipped);
  // Said before anything runs: a bank without a channel a cross-channel case names cannot be tested on it.
  for (const s of skipped) log(`cross-channel case ${s.pack}/${s.case} not run: ${s.reason}`);
  if (!plan.length) throw new HarnessError('E_USAGE', `the plan is empty — no case matches the channel, scenario, case and tag filters${skipped.length ? ` (${skipped.length} cross-channel case(s) left out, see above)` : ''}`);

  const folder = new RunFolder(input.resume ? input.resume : (opts.out ?? join('runs', newRunId(profile.id, opts.shard))));
  const runDir = folder.dir;
  if (!input.resume && folder.has('journal')) {
    if (!opts.force) throw new HarnessError('E_EXISTS', `${folder.shown} already holds a run — resume it with --resume ${folder.shown}, replace it with --force, or choose another --out`);
    if (!folder.has('manifest')) throw new HarnessError('E_EXISTS', `${folder.shown} holds a results.jsonl but no run.json: not a harness run folder, so --force will not delete it — choose another --out`);
    rmSync(folder.dir, { recursive: true, force: true });
  }
  // Its modules and tables load on the other core while this one writes the run folder and starts the channels.
  const wanted = opts.gradeThread ?? wantsGradeThread(profile, plan.length);
  // A thread started with the process (bin/grade-early.mjs) is taken, or ended when the run grades on the main thread.
  if (!wanted) dropEarly();
  const thread = wanted ? startGradeThread({ packs, locale, lang: reportLang(opts, profile), good: opts.good ?? 4 }) : undefined;
  let kept: GradeThread | undefined;
  try {
    const run = await runPlanned(input, opts, { bank, packs, locale, packsDir, profile, plan, skipped, folder, thread, log });
    if (!opts.keepGradeThread || !thread || run.interrupted) return run;
    // Idle from now on: it loads the charts' engine while the journal is graded and the other reports written.
    thread.warmCharts();
    return { ...run, thread: (kept = thread) };
  } finally {
    if (!kept) await thread?.close();
  }
}

interface Planned {
  bank: ReturnType<typeof loadBank>;
  packs: Pack[];
  locale: Locale;
  packsDir: string;
  profile: BankProfile;
  plan: ReturnType<typeof buildPlan>;
  skipped: PlanSkip[];
  folder: RunFolder;
  thread?: GradeThread;
  log(message: string): void;
}

/** The folder written, the journal read, the missing conversations run. */
async function runPlanned(input: RunOptions, opts: RunOptions, p: Planned): Promise<ExecutedRun> {
  const { bank, packs, locale, packsDir, profile, plan, skipped, folder, thread, log } = p;
  const runDir = folder.dir;
  folder.ensure();
  const previous = input.resume && folder.has('manifest') ? folder.readManifest() : undefined;
  const startedAt = previous?.startedAt ?? new Date().toISOString();
  folder.writeManifest({
    id: folder.id,
    version: VERSION,
    node: process.version,
    startedAt,
    bank: { id: profile.id, file: bank.file, sha256: sha256(readFileSync(bank.file)) },
    packs: Object.fromEntries(packs.map((p) => [p.id, packHash(p)])),
    packsDir,
    options: storedOptions(opts),
    plan: plan.length,
    ...(skipped.length ? { skipped } : {}),
  });
  folder.writeSnapshot(packs, locale, profile, secretValues(bank.raw));

  if (input.resume) {
    const torn = repairJournal(runDir);
    if (torn) log(`dropped a torn last line (${torn} bytes) left by an interrupted run`);
    if (input.retryErrors) {
      const errored = readJournal(runDir).records.filter((r) => r.error).map((r) => r.id);
      if (errored.length) dropFromJournal(runDir, new Set(errored));
    }
  }
  const journalled = readJournal(runDir).records;
  const done = new Set(journalled.map((r) => r.id));
  const todo = plan.filter((p) => !done.has(p.id));
  const redact = createRedactor(secretValues(bank.raw));
  const good = opts.good ?? 4;

  let interrupted = false;
  let records = journalled;
  const liveGrades = new Map<string, CaseGrade>();
  if (todo.length) {
    const r = await execute(todo, { profile, bankFile: bank.file, opts, runDir, log, plan: plan.length, done: done.size, packs, locale, redact, good, liveGrades, journalled, thread });
    interrupted = r.interrupted;
    records = r.records;
    // Kept with the run, so reports (and harness report later) show why a channel has no scores.
    folder.writeManifest({ ...folder.readManifest(), stopped: r.stops });
  }
  if (interrupted) {
    const cmd = `npx harness run --resume ${relative(process.cwd(), runDir) || '.'}`;
    log(`\ninterrupted: ${records.length}/${plan.length} conversations are saved in ${relative(process.cwd(), runDir)}/results.jsonl`);
    log(`resume with: ${cmd}`);
  }
  return { runDir, runId: runIdOf(runDir), interrupted, profile, packs, locale, planIds: new Set(plan.map((p) => p.id)), startedAt, opts, good, liveGrades, records, log };
}

interface ExecuteContext {
  profile: BankProfile;
  bankFile: string;
  opts: RunOptions;
  runDir: string;
  log(message: string): void;
  plan: number;
  done: number;
  packs: ReturnType<typeof loadPacks>['packs'];
  locale: ReturnType<typeof loadPacks>['locale'];
  redact: ReturnType<typeof createRedactor>;
  good: number;
  liveGrades: Map<string, CaseGrade>;
  /** The grading thread, started as soon as the plan was known; closed when the run ends. */
  thread?: GradeThread;
  /** What the journal held before this run. */
  journalled: ConversationRecord[];
}

/** Start the embedded bank and the adapters, preflight each channel, run the conversations, close everything. */
async function execute(todo: ReturnType<typeof buildPlan>, x: ExecuteContext): Promise<{ interrupted: boolean; stops: ChannelStop[]; records: ConversationRecord[] }> {
  const { profile, opts, runDir, log } = x;
  const controller = new AbortController();
  // Every in-flight conversation listens for the run's abort.
  setMaxListeners(0, controller.signal);
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log('second interrupt: exiting now');
      process.exit(130);
    }
    log(`\n${sig}: finishing in-flight writes and closing browsers and calls… (press Ctrl-C again to force)`);
    controller.abort(new HarnessError('E_INTERRUPTED', 'interrupted', 130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Real channels: a cross-channel item talks to every channel of its route.
  const channels = [...new Set(todo.flatMap(itemChannels))];
  let started: StartedChannels | undefined;
  const journal = new Journal(runDir, x.journalled);
  const stops = new Map<string, ChannelStop>();
  let progress: ReturnType<typeof createProgress> | undefined;
  const liveDone: Promise<void>[] = [];
  let grading: LiveGrading | undefined;
  try {
    started = await startChannels(profile, x.bankFile, channels, {
      runDir,
      screenshots: opts.screenshots ?? false,
      trace: opts.trace ?? 'on-retry',
      turnTimeoutMs: profile.timeouts.turnMs,
      debug: opts.debug ?? false,
      embeddedOptions: opts.embeddedOptions,
      log: (m) => (progress && opts.progress !== 'none' ? progress.log(x.redact(m)) : log(x.redact(m))),
    });
    const { adapters, simulated } = started;
    progress = createProgress(opts.progress ?? 'auto', x.plan, x.done);
    const bar = progress;
    // Through the progress display (so a bar is not torn), but never swallowed by --progress none.
    const say = (m: string) => (opts.progress === 'none' ? log(m) : bar.log(m));
    const left = new Map<string, number>();
    for (const t of todo) left.set(t.channel, (left.get(t.channel) ?? 0) + 1);
    const stop = (s: ChannelStop) => {
      stops.set(s.channel, s);
      bar.skip(left.get(s.channel) ?? 0);
    };
    const preflighting = opts.preflight !== false && profile.preflight.enabled;
    grading = liveGrading({
      packs: x.packs,
      locale: x.locale,
      lang: reportLang(opts, profile),
      good: x.good,
      thread: x.thread,
      preflighting,
      signal: controller.signal,
      whileRunning: opts.whileRunning,
      debug: (m) => (opts.debug ? say(m) : undefined),
    });
    const live = grading;
    // Each channel fans out as soon as its own preflight passes; a slow or broken one holds up no other.
    const ready = new Map<string, Promise<boolean>>();
    if (preflighting) {
      const pre = {
        runDir,
        timeoutMs: profile.preflight.timeoutMs,
        openTimeoutMs: profile.preflight.openTimeoutMs,
        signal: controller.signal,
        log: (m: string) => (opts.debug ? say(x.redact(m)) : undefined),
        bank: opts.bank,
        set: opts.set,
        configs: started.configs,
        say: (m: string) => say(x.redact(m)),
        replied: (_: string, ms: number) => live.firstReply(ms),
      };
      for (const ch of channels) {
        // Preflight asks a plain case's first question; a channel used only by cross-channel cases goes without.
        const first = todo.find((t) => t.channel === ch);
        if (!first) continue;
        ready.set(
          ch,
          preflightChannel(first, adapters.get(ch)!, pre).then(
            (s) => {
              if (s) stop(s);
              return !s;
            },
            (err) => {
              say(`preflight ${ch}: the check itself failed (${(err as Error)?.message}); running the channel anyway`);
              return true;
            },
          ),
        );
      }
    }
    await executePlan(todo, {
      profile,
      adapters,
      journal,
      runDir,
      concurrency: opts.concurrency ?? profile.concurrency ?? 8,
      assess: live.assess,
      gradeCtx: live.ctx,
      redact: x.redact,
      signal: controller.signal,
      simulated,
      log: (m) => (opts.debug ? say(x.redact(m)) : undefined),
      breakerFaults: profile.breaker.consecutiveFaults,
      ready: (channel) => ready.get(channel) ?? Promise.resolve(true),
      onTrip: (channel, fault) => {
        const s: ChannelStop = {
          channel,
          by: 'breaker',
          kind: fault.kind,
          cause: `${profile.breaker.consecutiveFaults} transport faults in a row; the last: ${x.redact(fault.message)}`,
          fix: `${faultFix(fault.kind, fault.message, channel, profile.timeouts.turnMs, 'breaker')}\nsee what comes back with: ${tryCommandFor(opts.bank, channel, opts.set)}`,
        };
        stop(s);
        // Said at once, even with --progress none: the cause must not wait for the end of the run.
        say(formatStop(s));
      },
      onDone: (record: ConversationRecord) => {
        left.set(record.channel, (left.get(record.channel) ?? 1) - 1);
        // A live verdict for the progress counts; the final grades come after the run.
        if (record.error) return bar.done(record, false);
        liveDone.push(
          live.grade(record).then(
            (g) => {
              x.liveGrades.set(record.id, g);
              bar.done(record, g.passed);
            },
            () => bar.done(record, false),
          ),
        );
      },
    });
    // The last live grades, before the thread ends.
    await Promise.all(liveDone);
  } finally {
    grading?.dispose();
    progress?.stop();
    journal.close();
    await started?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return { interrupted: controller.signal.aborted, stops: [...stops.values()], records: journal.records };
}

/** The language of reasons and reports: --lang, else the profile's locale. */
export function reportLang(opts: Pick<RunOptions, 'lang'>, profile: Pick<BankProfile, 'locale'>): Lang {
  return opts.lang ?? langOf(profile);
}

function newRunId(bank: string, shard?: { index: number; total: number }): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  let id = `${stamp}-${bank}${shard ? `-shard${shard.index}of${shard.total}` : ''}`;
  for (let i = 2; existsSync(join('runs', id)); i++) id = `${stamp}-${bank}${shard ? `-shard${shard.index}of${shard.total}` : ''}-${i}`;
  return id;
}

export function runIdOf(runDir: string): string {
  return resolve(runDir).split(/[\\/]/).pop()!;
}

/** What run.json keeps so --resume rebuilds the same plan. */
function storedOptions(o: RunOptions): StoredOptions {
  const keys = Object.keys(storedOptionsSchema.shape) as (keyof StoredOptions)[];
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as StoredOptions;
}

function resumeOptions(input: RunOptions): RunOptions {
  const folder = new RunFolder(input.resume!);
  if (!folder.has('manifest')) throw new HarnessError('E_NORUN', `${input.resume} has no ${FILES.manifest} — pass the folder of a run started by harness run`);
  const stored = folder.readManifest().options;
  // The plan comes from the stored options; how to run it (concurrency, progress, gates) from the command line.
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  return { ...defined, ...stored, resume: input.resume } as RunOptions;
}
