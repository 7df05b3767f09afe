import { Command, CommanderError, Option } from 'commander';
import { join, relative } from 'node:path';
import { readFileSync } from 'node:fs';
import { ConfigError, EXIT, HarnessError } from './errors.ts';
import { traceModes } from './types.ts';
import { PACKAGE_ROOT } from '../lib/package-root.ts';

const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// Thin: parse argv, call into the modules, map errors to exit codes.
// Heavy modules (runner, Playwright, speech, SIP) load only when a command needs them.

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new HarnessError('E_USAGE', `${name} ${v}: expected a positive whole number`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new HarnessError('E_USAGE', `${name} ${v}: expected a number ≥ 0`);
  return n;
};
const rel = (p: string) => relative(process.cwd(), p) || '.';

/** What the actions report back to main: the exit code, and whether --debug was given. */
export interface CliState {
  exitCode: number;
  debug: boolean;
}

/** The whole command line: every command and option (the README's CLI reference is generated from it). */
export function buildProgram(state: CliState = { exitCode: 0, debug: false }): Command {
  const program = new Command('harness')
    .description('Benchmark the AI customer service of banks: web chat, WeChat, bot APIs and the hotline')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'show stack traces and adapter logs')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('run')
    .description('run scenario packs against a bank and write runs/<id>/ (results, summary, reports)')
    .option('-b, --bank <id|file>', 'bank profile: an id in banks/ or a path to a YAML file')
    .option('-c, --channel <names>', 'channels to run, comma-separated (default: all enabled)', list)
    .option('-s, --scenario <ids>', 'scenario packs to run, comma-separated', list)
    .option('--case <ids>', 'cases to run (id or pack/id), comma-separated', list)
    .option('-t, --tag <tags>', 'only cases with one of these tags', list)
    .option('--variants <first|all|N>', 'which phrasings of each case to send', 'first')
    .option('--repeat <n>', 'repeat each conversation n times (pass^k, Wilson intervals)', int('--repeat'))
    .option('--limit <n>', 'only the first n conversations of the plan (smoke runs)', int('--limit'))
    .option('-j, --concurrency <n>', 'conversations at once across all channels (default: the bank profile\'s concurrency, else 8)', int('--concurrency'))
    .option('-o, --out <dir>', 'run folder (default runs/<timestamp>-<bank>)')
    .option('--resume <dir>', 'continue an interrupted run: only missing conversations run')
    .option('--retry-errors', 'with --resume: run conversations that ended in errors again')
    .option('--shard <i/n>', 'run shard i of n (stable partition by conversation id)')
    .addOption(new Option('--grader <kind>', 'how to grade').choices(['rules', 'llm', 'both']).default('rules'))
    .option('--judge-url <url>', 'LLM judge endpoint (OpenAI-compatible; default OPENAI_BASE_URL)')
    .option('--judge-model <model>', 'LLM judge model (default OPENAI_MODEL)')
    .option('--judge-concurrency <n>', 'LLM judge requests at once', int('--judge-concurrency'))
    .option('--set <path=value>', 'override a profile value, e.g. channels.api.url=http://…', (v: string, p: string[] = []) => [...p, v])
    .option('--fail-under <spec>', 'exit 1 if a score is below: recognition=4,completeness=3.5 (0–5), effectiveness=7 (0–10) or 70%')
    .option('--baseline <run|summary.json>', 'compare with an earlier run of the same plan; exit 1 on a drop beyond --max-drop')
    .option('--baseline-partial', 'with --baseline: gate on what both runs share when their channels or plans differ')
    .option('--max-drop <d>', 'largest allowed drop against --baseline', num('--max-drop'), 0.2)
    .option('--force', 'replace a finished run in the --out folder')
    .option('--max-error-rate <r>', 'share of conversations that may end in errors before exit 3', num('--max-error-rate'), 0.1)
    .option('--good <x>', 'the "good" threshold on the 0–5 scales', num('--good'), 4)
    .addOption(new Option('--lang <lang>', 'report language').choices(['zh', 'en']))
    .option('--screenshots', 'save a screenshot per turn on browser channels')
    .addOption(new Option('--trace <when>', 'Playwright traces').choices([...traceModes]).default('on-retry'))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .option('--scenarios-dir <dir>', 'scenario folder', 'scenarios/zh-CN')
    .option('--no-preflight', 'skip the one-question check of each channel before the run')
    .action(async (o) => {
      if (!o.bank && !o.resume) throw new HarnessError('E_USAGE', 'harness run needs --bank <id> (or --resume <run folder>) — try: npx harness run --bank demo');
      if (o.resume) {
        // The plan comes from the run folder: flags that would change it conflict with --resume.
        const planFlags: [string, unknown][] = [['--bank', o.bank], ['--channel', o.channel], ['--scenario', o.scenario], ['--case', o.case], ['--tag', o.tag], ['--repeat', o.repeat], ['--limit', o.limit], ['--shard', o.shard], ['--set', o.set], ['--out', o.out], ['--force', o.force]];
        const given = planFlags.filter(([, v]) => v !== undefined).map(([f]) => f);
        if (program.commands.find((c) => c.name() === 'run')!.getOptionValueSource('variants') === 'cli') given.push('--variants');
        if (given.length) throw new HarnessError('E_USAGE', `--resume continues the plan stored in ${o.resume}/run.json: ${given.join(', ')} cannot change it — drop ${given.length > 1 ? 'them' : 'it'}, or start a new run with --out`);
      }
      const [{ runBenchmark }, { parseShard }, { parseFailUnder }] = await Promise.all([
        import('./commands/run.ts'),
        import('./run/plan.ts'),
        import('./score/gate.ts'),
      ]);
      const variants = o.variants === 'first' || o.variants === 'all' ? o.variants : int('--variants')(o.variants);
      const result = await runBenchmark({
        bank: o.bank,
        channels: o.channel,
        scenarios: o.scenario,
        cases: o.case,
        tags: o.tag,
        variants,
        repeat: o.repeat,
        limit: o.limit,
        concurrency: o.concurrency,
        out: o.out,
        resume: o.resume,
        retryErrors: o.retryErrors,
        shard: o.shard ? parseShard(o.shard) : undefined,
        grader: o.grader,
        judge: o.judgeUrl || o.judgeModel || o.judgeConcurrency ? { baseURL: o.judgeUrl, model: o.judgeModel, concurrency: o.judgeConcurrency } : undefined,
        set: o.set,
        failUnder: o.failUnder ? parseFailUnder(o.failUnder) : undefined,
        baseline: o.baseline,
        baselinePartial: o.baselinePartial,
        force: o.force,
        maxDrop: o.maxDrop,
        maxErrorRate: o.maxErrorRate,
        good: o.good,
        lang: o.lang,
        screenshots: o.screenshots,
        trace: o.trace,
        progress: o.progress,
        scenariosDir: o.scenariosDir,
        preflight: o.preflight,
        debug: state.debug,
      });
      state.exitCode = result.exitCode;
      if (result.interrupted) return;
      await printRunResult(result);
    });

  program
    .command('try')
    .description('send one question to one channel and print everything seen: request, raw response, what each path or selector extracted, timings, the grade')
    .argument('[question]', "what to ask (default: the first quick case's question)")
    .requiredOption('-b, --bank <id|file>', 'bank profile: an id in banks/ or a path to a YAML file')
    .requiredOption('-c, --channel <name>', 'the channel to try')
    .option('--case <id>', 'grade the reply against this case (id or pack/id; default: the case closest to the question, else the first quick case)')
    .option('--set <path=value>', 'override a profile value, e.g. channels.api.response.text=data.answers[*].content', (v: string, p: string[] = []) => [...p, v])
    .option('--timeout <ms>', "how long to wait for the reply (default: the profile's timeouts.turnMs)", int('--timeout'))
    .option('-o, --out <dir>', 'where screenshots and audio go (default: a new temporary folder)')
    .option('--scenarios-dir <dir>', 'scenario folder', 'scenarios/zh-CN')
    .action(async (question: string | undefined, o) => {
      const { tryCommand } = await import('./commands/try.ts');
      state.exitCode = await tryCommand({
        bank: o.bank,
        channel: o.channel,
        question,
        case: o.case,
        set: o.set,
        timeoutMs: o.timeout,
        out: o.out,
        scenariosDir: o.scenariosDir,
        debug: state.debug,
        write: (t) => process.stdout.write(t),
      });
    });

  program
    .command('validate')
    .description('check scenario packs, locale files and bank profiles; list every problem (exit 2)')
    .argument('[paths...]', 'files or folders', ['scenarios', 'banks'])
    .action(async (paths: string[]) => {
      const { validateCommand } = await import('./commands/validate.ts');
      state.exitCode = validateCommand(paths);
    });

  program
    .command('schema')
    .description('write scenarios/schema.json and banks/schema.json from the zod schemas')
    .action(async () => {
      const { schemaCommand } = await import('./commands/schema.ts');
      schemaCommand();
    });

  program
    .command('merge')
    .description('join shard runs into one run (same conversations and scores as an unsharded run)')
    .argument('<runs...>', 'shard run folders')
    .requiredOption('-o, --out <dir>', 'the merged run folder')
    .addOption(new Option('--lang <lang>', 'report language').choices(['zh', 'en']))
    .option('--fail-under <spec>', 'exit 1 if a score is below (as harness run)')
    .option('--baseline <run|summary.json>', 'exit 1 on a drop against an earlier run beyond --max-drop (as harness run)')
    .option('--baseline-partial', 'with --baseline: gate on what both share')
    .option('--max-drop <d>', 'largest allowed drop against --baseline', num('--max-drop'), 0.2)
    .option('--max-error-rate <r>', 'share of conversations that may end in errors before exit 3', num('--max-error-rate'), 0.1)
    .action(async (runs: string[], o) => {
      const [{ mergeRuns }, { parseFailUnder }] = await Promise.all([import('./commands/merge.ts'), import('./score/gate.ts')]);
      const result = await mergeRuns(runs, o.out, { lang: o.lang, failUnder: o.failUnder ? parseFailUnder(o.failUnder) : undefined, baseline: o.baseline, baselinePartial: o.baselinePartial, maxDrop: o.maxDrop, maxErrorRate: o.maxErrorRate });
      state.exitCode = result.exitCode;
      await printRunResult(result);
    });

  program
    .command('report')
    .description('re-render one run, or compare several banks\' runs (ranking, distribution, online vs hotline)')
    .argument('<runs...>', 'run folders')
    .option('-o, --out <dir>', 'where a comparison is written (default runs/compare-<timestamp>)')
    .option('--baseline <run>', 'render a run-against-run diff')
    .addOption(new Option('--grader <kind>', 'one run: grade its journal again with this grader').choices(['rules', 'llm', 'both']))
    .option('--regrade', "one run: grade it against the packs on disk now instead of the snapshot it ran with")
    .addOption(new Option('--lang <lang>', 'report language').choices(['zh', 'en']))
    .option('--fail-under <spec>', 'one run: exit 1 if a score is below (as harness run)')
    .option('--max-drop <d>', 'with --baseline: exit 1 on a drop beyond this', num('--max-drop'))
    .option('--baseline-partial', 'with --baseline: compare what both runs share when their plans differ')
    .action(async (runs: string[], o) => {
      const [{ reportCommand }, { parseFailUnder }] = await Promise.all([import('./commands/report.ts'), import('./score/gate.ts')]);
      const result = await reportCommand(runs, { ...o, failUnder: o.failUnder ? parseFailUnder(o.failUnder) : undefined });
      for (const f of result.files) process.stdout.write(`wrote ${rel(f)}\n`);
      for (const failure of result.failures) process.stdout.write(`gate failed: ${failure}\n`);
      state.exitCode = result.exitCode;
    });

  program
    .command('expand')
    .description("propose paraphrases of a pack's questions (colloquial, long-winded, typo, dialect, traditional) into a review file; --apply writes the accepted lines into the pack")
    .argument('[pack]', 'a pack id in --scenarios-dir or a path to a pack file')
    .option('--case <ids>', 'only these cases, comma-separated', list)
    .option('--styles <styles>', 'which kinds of paraphrase: colloquial,long-winded,typo,dialect,traditional (default: all)', list)
    .option('--per-style <n>', 'proposals per style and question from the LLM', int('--per-style'), 2)
    .option('-o, --out <file>', 'the review file (default: <pack>.review.yaml here)')
    .option('--force', 'replace an existing review file')
    .option('--offline', 'no LLM: only typos by pinyin and traditional script by OpenCC')
    .option('--judge-url <url>', 'OpenAI-compatible endpoint, as for the LLM judge (default OPENAI_BASE_URL)')
    .option('--judge-model <model>', 'model (default OPENAI_MODEL)')
    .option('--apply <review.yaml>', "write a review file's accepted lines into its pack's paraphrases")
    .option('--scenarios-dir <dir>', 'scenario folder', 'scenarios/zh-CN')
    .action(async (pack: string | undefined, o) => {
      const { expandCommand } = await import('./commands/expand.ts');
      if (o.apply && pack) throw new HarnessError('E_USAGE', `--apply takes the pack from the review file: drop "${pack}"`);
      const result = await expandCommand({ pack, cases: o.case, styles: o.styles, perStyle: o.perStyle, out: o.out, force: o.force, offline: o.offline, judgeUrl: o.judgeUrl, judgeModel: o.judgeModel, apply: o.apply, scenariosDir: o.scenariosDir });
      state.exitCode = result.exitCode;
    });

  program
    .command('history')
    .description("a bank's runs over time (same plan): trend tables and line charts per channel and scenario, regressions marked")
    .requiredOption('-b, --bank <id>', 'the bank whose runs to follow')
    .option('--runs <dir>', 'the folder holding the run folders', 'runs')
    .option('-o, --out <dir>', 'where history.md, history.html and history.json go (default <runs>/history-<bank>)')
    .option('--max-drop <d>', 'a drop in AI effectiveness (0–10) beyond this against the run before is a regression', num('--max-drop'), 0.2)
    .addOption(new Option('--lang <lang>', 'report language').choices(['zh', 'en']))
    .action(async (o) => {
      const { historyCommand } = await import('./commands/history.ts');
      const result = await historyCommand({ bank: o.bank, runs: o.runs, out: o.out, maxDrop: o.maxDrop, lang: o.lang });
      for (const f of result.files) process.stdout.write(`wrote ${rel(f)}\n`);
      state.exitCode = result.exitCode;
    });

  program
    .command('probe')
    .description("open a bank's chat page, find the widget, print a candidate channels.web block")
    .requiredOption('--url <url>', 'the page with the chat widget')
    .option('--timeout <ms>', 'how long to look', int('--timeout'), 20000)
    .action(async (o) => {
      const { probeCommand } = await import('./commands/probe.ts');
      await probeCommand(o);
    });

  program
    .command('calibrate')
    .description("measure a grader against the hand-labelled replies in calibration/zh-CN")
    .addOption(new Option('--grader <kind>', 'grader').choices(['rules', 'llm']).default('rules'))
    .addOption(new Option('--lang <lang>', 'output language').choices(['zh', 'en']).default('en'))
    .option('--fixtures <dir>', 'labelled replies', 'calibration/zh-CN')
    .addOption(new Option('--split <part>', 'which part of the labelled set: the test part never used for tuning, the development part, or all').choices(['dev', 'test', 'all']).default('test'))
    .action(async (o) => {
      const { calibrateCommand } = await import('./commands/calibrate.ts');
      state.exitCode = await calibrateCommand(o);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const state: CliState = { exitCode: 0, debug: argv.includes('--debug') };
  const program = buildProgram(state);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT.usage;
    }
    return reportError(err, state.debug || program.opts().debug === true);
  }
  return state.exitCode;
}

async function printRunResult(result: import('./run/index.ts').RunResult) {
  const { formatProblems } = await import('./commands/finish.ts');
  const s = result.summary;
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const out = process.stdout;
  out.write(`\n${s.run.bankName} (${s.run.bank}): ${s.run.conversations} conversations, ${s.run.errors} errors\n`);
  for (const [name, c] of Object.entries(s.channels)) {
    out.write(`  ${name.padEnd(12)} ${c.kind.padEnd(8)} recognition ${f(c.recognition)}  completeness ${f(c.completeness)}  effectiveness ${f(c.effectiveness)}${c.simulated ? '  (speech simulated)' : ''}\n`);
  }
  out.write(`  online  recognition ${f(s.online.recognition)}  completeness ${f(s.online.completeness)}\n`);
  out.write(`  hotline recognition ${f(s.hotline.recognition)}  completeness ${f(s.hotline.completeness)}\n`);
  for (const failure of result.gate.failures) out.write(`gate failed: ${failure}\n`);
  for (const line of formatProblems(result)) out.write(line + '\n');
  if (result.exitCode === EXIT.incomplete) {
    const stopped = result.stopped ?? [];
    if (stopped.length) out.write(`stopped: ${stopped.map((c) => `${c.channel} (${c.kind})`).join(', ')}: exit 3\n`);
    else out.write(`too many conversations ended in errors (${s.run.errors}/${s.run.conversations}): exit 3\n`);
  }
  out.write(`\nreport: ${rel(result.runDir)}/report.md\n        ${rel(result.runDir)}/index.html\n`);
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof ConfigError) {
    process.stderr.write(err.message + `\n\n${err.problems.length} problem(s) — fix them and run again\n`);
    return err.exitCode;
  }
  if (err instanceof HarnessError) {
    process.stderr.write(`error: ${err.message}\n`);
    if (debug && err.cause) process.stderr.write(String((err.cause as Error).stack ?? err.cause) + '\n');
    return err.exitCode;
  }
  process.stderr.write(`error: ${(err as Error)?.message ?? err}\n`);
  process.stderr.write(debug ? `${(err as Error)?.stack}\n` : 'run again with --debug for the stack trace\n');
  return EXIT.incomplete;
}
