import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Locale, Pack, ScenarioCase } from '../config/scenario.ts';
import type { BotReply, TurnGrade } from '../types.ts';
import type { Grader } from './types.ts';
import { cohensKappa, recognitionBucket } from '../score/agreement.ts';

// Calibration: how far a grader agrees with hand-labelled replies. The labels
// say what a careful human judge says; the grader is improved to meet them.

const fixtureSchema = z.strictObject({
  id: z.string(),
  pack: z.string(),
  case: z.string(),
  turn: z.number().int().min(0),
  question: z.string(),
  reply: z.string(),
  transcribed: z.boolean().optional(),
  buttons: z.array(z.string()).optional(),
  handoff: z.boolean().optional(),
  label: z.strictObject({
    recognition: z.number().min(0).max(5),
    topic: z.enum(['on', 'off', 'fallback']),
    completeness: z.number().min(0).max(5),
    hits: z.array(z.string()).default([]),
  }),
});
export type CalibrationFixture = z.output<typeof fixtureSchema>;

export type TopicBucket = 'on' | 'off' | 'fallback';
export const topicBuckets: TopicBucket[] = ['on', 'off', 'fallback'];

export interface CalibrationRow {
  id: string;
  pack: string;
  reply: string;
  expected: CalibrationFixture['label'];
  got: { topic: TopicBucket; recognition: number; completeness: number; hits: string[]; level: TurnGrade['level'] };
  agree: boolean;
  completenessError: number;
  /** Key points of the turn: how many, and on how many grader and label agree. */
  keypoints: { total: number; agree: number };
  reasons: string[];
}

export interface CalibrationResult {
  grader: string;
  n: number;
  /** Share of replies whose recognition bucket (on / off topic / fallback) matches the label. */
  agreement: number;
  kappa: number;
  /** confusion[label][grader] over topicBuckets order. */
  confusion: number[][];
  completenessMAE: number;
  /** Share of (reply, key point) pairs where grader and label agree on hit or miss, over on-topic labels. */
  keypointAgreement: number;
  rows: CalibrationRow[];
  /** Fixtures whose pack or case is not loaded (skipped). */
  skipped: string[];
}

export function loadFixtures(dir: string): CalibrationFixture[] {
  const out: CalibrationFixture[] = [];
  for (const f of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const data = parse(readFileSync(join(dir, f), 'utf8')) as unknown;
    const list = z.array(fixtureSchema).safeParse(data);
    if (!list.success) throw new Error(`${join(dir, f)}: ${list.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    out.push(...list.data);
  }
  return out;
}

function findCase(pack: Pack, f: CalibrationFixture): ScenarioCase | undefined {
  const byId = pack.cases.find((c) => c.id === f.case);
  if (byId && byId.turns[f.turn]) return byId;
  const q = f.question.trim();
  return pack.cases.find((c) => c.turns[f.turn] && (c.turns[f.turn].say === q || c.turns[f.turn].paraphrases.includes(q)));
}

export function bucketOf(grade: Pick<TurnGrade, 'level' | 'recognition'>): TopicBucket {
  const b = recognitionBucket(grade);
  return b === 'on-topic' ? 'on' : b === 'off-topic' ? 'off' : 'fallback';
}

function reply(f: CalibrationFixture): BotReply {
  return {
    text: f.reply,
    messages: f.reply ? [{ text: f.reply }] : [],
    buttons: f.buttons ?? [],
    latency: { firstMs: null, settledMs: null },
    handoff: f.handoff,
    transcribed: f.transcribed,
  };
}

export async function calibrate(opts: { grader: Grader; fixturesDir: string; packs: Pack[]; locale: Locale; fuzzyThreshold?: number }): Promise<CalibrationResult> {
  const fixtures = loadFixtures(opts.fixturesDir);
  const ctx = { packs: opts.packs, locale: opts.locale, cannedReplies: new Set<string>(), fuzzyThreshold: opts.fuzzyThreshold ?? 0.8 };
  const rows: CalibrationRow[] = [];
  const skipped: string[] = [];
  for (const f of fixtures) {
    const pack = opts.packs.find((p) => p.id === f.pack);
    const scenarioCase = pack && findCase(pack, f);
    if (!pack || !scenarioCase) {
      skipped.push(f.id);
      continue;
    }
    const grade = await opts.grader.gradeTurn(
      {
        pack,
        case: scenarioCase,
        turnIndex: f.turn,
        exchanges: [{ utterance: { index: f.turn, text: f.question, attempt: 'first' }, reply: reply(f) }],
        transcribed: f.transcribed === true,
      },
      ctx,
    );
    const topic = bucketOf(grade);
    const gotHits = new Set(grade.hits.filter((h) => h.hit).map((h) => h.id));
    const ids = scenarioCase.turns[f.turn].expect.keypoints.map((k) => k.id);
    const keypoints = { total: ids.length, agree: ids.filter((id) => gotHits.has(id) === f.label.hits.includes(id)).length };
    const completenessError = Math.abs(grade.completeness - f.label.completeness);
    rows.push({
      id: f.id,
      pack: f.pack,
      reply: f.reply,
      expected: f.label,
      got: { topic, recognition: grade.recognition, completeness: grade.completeness, hits: grade.hits.filter((h) => h.hit).map((h) => h.id), level: grade.level },
      agree: topic === f.label.topic,
      completenessError,
      keypoints,
      reasons: grade.reasons,
    });
  }
  const n = rows.length;
  const confusion = topicBuckets.map(() => topicBuckets.map(() => 0));
  for (const r of rows) confusion[topicBuckets.indexOf(r.expected.topic)][topicBuckets.indexOf(r.got.topic)]++;
  const { kappa, agreement } = cohensKappa(
    rows.map((r) => r.expected.topic),
    rows.map((r) => r.got.topic),
  );
  const completenessMAE = n ? rows.reduce((a, r) => a + r.completenessError, 0) / n : 0;
  const both = rows.filter((r) => r.expected.topic === 'on' && r.got.topic === 'on');
  const kpTotal = both.reduce((a, r) => a + r.keypoints.total, 0);
  const keypointAgreement = kpTotal ? both.reduce((a, r) => a + r.keypoints.agree, 0) / kpTotal : 1;
  return { grader: opts.grader.id, n, agreement, kappa, confusion, completenessMAE, keypointAgreement, rows, skipped };
}

const words = {
  en: {
    title: (g: string, n: number) => `Calibration of the ${g} grader on ${n} hand-labelled replies`,
    agreement: 'Recognition agreement (on topic / off topic / fallback)',
    kappa: "Cohen's κ",
    mae: 'Completeness mean absolute error',
    keypoints: 'Key-point hit agreement (replies both call on topic)',
    confusion: 'Confusion (rows: human label, columns: grader)',
    buckets: { on: 'on topic', off: 'off topic', fallback: 'fallback' },
    disagreements: 'Disagreements',
    label: 'label',
    grader: 'grader',
    skipped: 'Skipped (pack or case not loaded)',
  },
  zh: {
    title: (g: string, n: number) => `${g} 评分器校准：${n} 条人工标注回复`,
    agreement: '问题识别一致率（切题 / 答非所问 / 兜底）',
    kappa: 'Cohen κ',
    mae: '问题解答得分平均绝对误差',
    keypoints: '要点命中一致率（双方均判切题的回复）',
    confusion: '混淆矩阵（行：人工标注，列：评分器）',
    buckets: { on: '切题', off: '答非所问', fallback: '兜底' },
    disagreements: '不一致条目',
    label: '标注',
    grader: '评分器',
    skipped: '已跳过（场景或用例未加载）',
  },
};

/** Terminal columns: a Chinese character takes two. */
function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - displayWidth(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - displayWidth(s))) + s;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatCalibration(result: CalibrationResult, lang: 'zh' | 'en' = 'en'): string {
  const w = words[lang];
  const lines = [
    w.title(result.grader, result.n),
    `${w.agreement}: ${pct(result.agreement)}`,
    `${w.kappa}: ${result.kappa.toFixed(3)}`,
    `${w.mae}: ${result.completenessMAE.toFixed(2)}`,
    `${w.keypoints}: ${pct(result.keypointAgreement)}`,
    '',
    w.confusion,
  ];
  const names = topicBuckets.map((b) => w.buckets[b]);
  const width = Math.max(...names.map(displayWidth)) + 2;
  lines.push(padEnd('', width) + names.map((s) => padStart(s, width)).join(''));
  topicBuckets.forEach((_, i) => lines.push(padEnd(names[i], width) + result.confusion[i].map((c) => padStart(String(c), width)).join('')));
  const off = result.rows.filter((r) => !r.agree || r.completenessError > 1.5);
  if (off.length) {
    lines.push('', `${w.disagreements} (${off.length})`);
    for (const r of off) {
      lines.push(
        `- ${r.id} ${w.label} ${w.buckets[r.expected.topic]} ${r.expected.completeness} · ${w.grader} ${w.buckets[r.got.topic]} ${r.got.completeness}: ${r.reply.slice(0, 50)}`,
        `    ${r.reasons.slice(0, 3).join('; ')}`,
      );
    }
  }
  if (result.skipped.length) lines.push('', `${w.skipped}: ${result.skipped.join(', ')}`);
  return lines.join('\n');
}
