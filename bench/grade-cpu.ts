import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../harness/config/load.ts';
import { exchangesOf, loadFixtures } from '../harness/grade/calibrate.ts';
import type { TurnGradeInput } from '../harness/grade/types.ts';
import { rulesGrader } from '../harness/grade/rules.ts';
import { readJournal } from '../harness/run/journal.ts';
import { gradeRun } from '../harness/run/grade-run.ts';

// The rules grader's CPU cost: the calibration set (every split) and a demo
// run's journal, graded `repeat` times; CPU seconds, not wall time (a loaded
// machine stretches wall time). With --out it also writes every turn's grade,
// so a change to the grader's internals can be checked to change no grade.
//
//   npx tsx bench/grade-cpu.ts <run folder> [--repeat 20] [--out grades.json] [--fresh]
//
// --fresh appends a counter to every reply each round, so no reply-level cache helps.

const args = process.argv.slice(2);
const runDir = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a) && !a.endsWith('.json'));
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const repeat = Number(flag('--repeat') ?? 20);
const out = flag('--out');
const fresh = args.includes('--fresh');

const { packs, locale } = loadPacks(fileURLToPath(new URL('../scenarios/zh-CN/', import.meta.url)));
const fixturesDir = fileURLToPath(new URL('../calibration/zh-CN/', import.meta.url));
const records = runDir ? readJournal(runDir).records : [];

function freshen<T>(x: T, tag: string): T {
  return JSON.parse(JSON.stringify(x), (k, v) => (k === 'text' && typeof v === 'string' && v ? `${v}（${tag}）` : v));
}

// The calibration set as turns to grade, read once (YAML parsing is not grading).
const ctx = { packs, locale, cannedReplies: new Set<string>(), fuzzyThreshold: 0.8 };
const inputs: TurnGradeInput[] = loadFixtures(fixturesDir).flatMap((f) => {
  const pack = packs.find((p) => p.id === f.pack);
  const scenarioCase = pack?.cases.find((c) => c.id === f.case && c.turns[f.turn]);
  return pack && scenarioCase ? [{ pack, case: scenarioCase, turnIndex: f.turn, exchanges: exchangesOf(f), transcribed: f.transcribed === true }] : [];
});

// Fresh texts are made before the clock starts: copying records is not grading.
const rounds = new Map<number, { cal: TurnGradeInput['exchanges'][]; recs: typeof records }>();
function texts(tag: number) {
  let r = rounds.get(tag);
  if (!r) {
    const cal = inputs.map((i) => i.exchanges);
    rounds.set(tag, (r = fresh ? { cal: freshen(cal, String(tag)), recs: freshen(records, String(tag)) } : { cal, recs: records }));
  }
  return r;
}

async function round(tag: number) {
  const { cal, recs } = texts(tag);
  for (let k = 0; k < inputs.length; k++) await rulesGrader.gradeTurn({ ...inputs[k], exchanges: cal[k] }, ctx);
  const graded = await gradeRun(recs, { packs, locale, grader: 'rules', good: 4 });
  return inputs.length + graded.length;
}

if (out) {
  // Fresh context, and (with --fresh) the texts of round 1: what a cache might get wrong shows here.
  const { cal, recs } = texts(fresh ? 1 : 0);
  const own = { ...ctx };
  const turn = (t: Awaited<ReturnType<typeof rulesGrader.gradeTurn>>) => ({ level: t.level, recognition: t.recognition, completeness: t.completeness, hits: t.hits, forbidHits: t.forbidHits, topic: t.topic, reasons: t.reasons });
  const calibration = [];
  for (let k = 0; k < inputs.length; k++) calibration.push(turn(await rulesGrader.gradeTurn({ ...inputs[k], exchanges: cal[k] }, own)));
  const graded = await gradeRun(recs, { packs, locale, grader: 'rules', good: 4 });
  const snapshot = { calibration, run: graded.map((g) => ({ id: g.record.id, passed: g.grade.passed, turns: g.grade.turns.map(turn) })) };
  writeFileSync(out, JSON.stringify(snapshot, null, 1));
}
await round(0);
for (let i = 1; i <= repeat; i++) texts(fresh ? i : 0);
const start = process.cpuUsage();
let conversations = 0;
for (let i = 1; i <= repeat; i++) conversations += await round(fresh ? i : 0);
const used = process.cpuUsage(start);
const cpu = (used.user + used.system) / 1e6;
console.log(`${conversations} graded conversations (calibration ${inputs.length} + run ${records.length}, ×${repeat}${fresh ? ', fresh reply texts' : ''}): ${cpu.toFixed(2)} CPU-s → ${((cpu / conversations) * 1000).toFixed(3)} CPU-s per 1,000, ${(conversations / cpu).toFixed(0)}/CPU-s`);
