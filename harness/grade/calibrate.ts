import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Locale, Pack, ScenarioCase } from '../config/scenario.ts';
import type { BotReply, Exchange, TurnGrade } from '../types.ts';
import type { Lang } from './messages.ts';
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
  /** For a clarifying menu: the customer's pick or answer, and the bot's reply to it. */
  then: z
    .strictObject({
      say: z.coerce.string(),
      reply: z.string(),
      buttons: z.array(z.string()).optional(),
      transcribed: z.boolean().optional(),
      handoff: z.boolean().optional(),
    })
    .optional(),
  /** The reply's shape (answer, related-buttons, html, handoff, menu-wrong, …): agreement is reported per category. */
  category: z.string().optional(),
  /** dev: may be used to tune a grader; test: never is. Entries without one are the older development set. */
  split: z.enum(['dev', 'test']).optional(),
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

export type CalibrationSplit = 'dev' | 'test' | 'all';

export interface CategoryStats {
  n: number;
  agreement: number;
  completenessMAE: number;
  confusion: number[][];
}

export interface CalibrationRow {
  id: string;
  pack: string;
  category: string;
  split: 'dev' | 'test';
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
  split: CalibrationSplit;
  /** Agreement, MAE and confusion per reply category. */
  categories: Record<string, CategoryStats>;
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

function reply(f: { reply: string; buttons?: string[]; handoff?: boolean; transcribed?: boolean }): BotReply {
  return {
    text: f.reply,
    messages: f.reply ? [{ text: f.reply }] : [],
    buttons: f.buttons ?? [],
    latency: { firstMs: null, settledMs: null },
    handoff: f.handoff,
    transcribed: f.transcribed,
  };
}

/** The exchanges of one labelled turn: the first ask, then the customer's pick of a menu and the bot's answer. */
export function exchangesOf(f: CalibrationFixture): Exchange[] {
  const out: Exchange[] = [{ utterance: { index: f.turn, text: f.question, attempt: 'first' }, reply: reply(f) }];
  if (f.then) {
    const pick = f.buttons?.includes(f.then.say) ? f.then.say : undefined;
    out.push({
      utterance: { index: f.turn, text: f.then.say, click: pick, attempt: 'clarify-answer' },
      reply: reply({ ...f.then, transcribed: f.then.transcribed ?? f.transcribed }),
    });
  }
  return out;
}

function statsOf(rows: CalibrationRow[]): CategoryStats {
  const confusion = topicBuckets.map(() => topicBuckets.map(() => 0));
  for (const r of rows) confusion[topicBuckets.indexOf(r.expected.topic)][topicBuckets.indexOf(r.got.topic)]++;
  const n = rows.length;
  return {
    n,
    agreement: n ? rows.filter((r) => r.agree).length / n : 1,
    completenessMAE: n ? rows.reduce((a, r) => a + r.completenessError, 0) / n : 0,
    confusion,
  };
}

export async function calibrate(opts: {
  grader: Grader;
  fixturesDir: string;
  packs: Pack[];
  locale: Locale;
  fuzzyThreshold?: number;
  /** Which part of the set: dev (and the older entries without a split), test, or all (default). */
  split?: CalibrationSplit;
  lang?: Lang;
}): Promise<CalibrationResult> {
  const split = opts.split ?? 'all';
  const fixtures = loadFixtures(opts.fixturesDir).filter((f) => split === 'all' || (f.split ?? 'dev') === split);
  const ctx = { packs: opts.packs, locale: opts.locale, cannedReplies: new Set<string>(), fuzzyThreshold: opts.fuzzyThreshold ?? 0.8, lang: opts.lang };
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
        exchanges: exchangesOf(f),
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
      category: f.category ?? 'uncategorised',
      split: f.split ?? 'dev',
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
  const categories: Record<string, CategoryStats> = {};
  for (const c of [...new Set(rows.map((r) => r.category))].sort()) categories[c] = statsOf(rows.filter((r) => r.category === c));
  return { grader: opts.grader.id, n, agreement, kappa, confusion, completenessMAE, keypointAgreement, rows, skipped, split, categories };
}

const words = {
  en: {
    title: (g: string, n: number, part: string) => `Calibration of the ${g} grader on ${n} hand-labelled replies (${part})`,
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
    split: { dev: 'development part', test: 'test part', all: 'whole set' },
    byCategory: 'By reply category',
    category: 'category',
    n: 'n',
    agree: 'agreement',
    maeShort: 'MAE',
  },
  zh: {
    title: (g: string, n: number, part: string) => `${g} 评分器校准：${n} 条人工标注回复（${part}）`,
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
    split: { dev: '开发集', test: '测试集', all: '全集' },
    byCategory: '按回复类别',
    category: '类别',
    n: '条数',
    agree: '一致率',
    maeShort: '误差',
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

export function formatCalibration(result: CalibrationResult, lang: Lang = 'en'): string {
  const w = words[lang];
  const lines = [
    w.title(result.grader, result.n, w.split[result.split]),
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
  const cats = Object.entries(result.categories);
  if (cats.length > 1 || (cats.length === 1 && cats[0][0] !== 'uncategorised')) {
    const cw = Math.max(displayWidth(w.category), ...cats.map(([c]) => displayWidth(c))) + 2;
    const short = topicBuckets.map((b) => w.buckets[b]).join('/');
    lines.push('', w.byCategory, padEnd(w.category, cw) + padStart(w.n, 6) + padStart(w.agree, 12) + padStart(w.maeShort, 8) + `   ${w.confusion.split(/[（(]/)[0].trim()} (${short})`);
    for (const [c, st] of cats) {
      const matrix = st.confusion.map((row) => row.join(' ')).join(' | ');
      lines.push(padEnd(c, cw) + padStart(String(st.n), 6) + padStart(pct(st.agreement), 12) + padStart(st.completenessMAE.toFixed(2), 8) + `   ${matrix}`);
    }
  }
  const off = result.rows.filter((r) => !r.agree || r.completenessError > 1.5);
  if (off.length) {
    lines.push('', `${w.disagreements} (${off.length})`);
    for (const r of off) {
      lines.push(
        `- ${r.id} [${r.category}] ${w.label} ${w.buckets[r.expected.topic]} ${r.expected.completeness} · ${w.grader} ${w.buckets[r.got.topic]} ${r.got.completeness}: ${r.reply.slice(0, 50)}`,
        `    ${r.reasons.slice(0, 3).join('; ')}`,
      );
    }
  }
  if (result.skipped.length) lines.push('', `${w.skipped}: ${result.skipped.join(', ')}`);
  return lines.join('\n');
}
