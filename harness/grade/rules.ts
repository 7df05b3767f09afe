import type { Exchange, KeypointHit, RecognitionLevel, TurnGrade } from '../types.ts';
import type { Grader, GradeContext, TurnGradeInput } from './types.ts';
import type { ReplyAnalysis } from './analyse.ts';
import { analyseReplyCached } from './analysis-cache.ts';
import { messagesFor, type Messages } from './messages.ts';

// DESIGN.md "Grading": recognition by when the bot first answered on topic,
// completeness by the weighted key points of its final on-topic answer.

/** Recognition score of each level (handoff depends on the turn's expectation). */
export const levelScore: Record<Exclude<RecognitionLevel, 'handoff'>, number> = {
  first: 5,
  'after-clarify': 4,
  'after-rephrase': 3,
  'off-topic': 1,
  fallback: 0,
  silence: 0,
  error: 0,
};

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function hitReason(m: Messages, h: KeypointHit, text: string): string {
  const name = m.keypoint(h.id, text);
  if (h.hit) return m.hit(name, h.weight, h.how, h.matched ?? '');
  return h.matched ? m.restated(name, h.weight, h.matched) : m.missed(name, h.weight, text);
}

/** Recognition level of an on-topic answer from the attempts that led to it. */
function levelFor(exchanges: Exchange[], upTo: number): RecognitionLevel {
  const attempts = exchanges.slice(0, upTo + 1).map((e) => e.utterance.attempt);
  if (attempts.includes('rephrase')) return 'after-rephrase';
  if (attempts.includes('clarify-answer')) return 'after-clarify';
  return 'first';
}

export function gradeTurnSync(input: TurnGradeInput, ctx: GradeContext): TurnGrade {
  const m = messagesFor(ctx);
  const turn = input.case.turns[input.turnIndex];
  const expectHandoff = turn?.expect.handoff;
  const keypointText = new Map((turn?.expect.keypoints ?? []).map((k) => [k.id, k.text]));
  const base = { index: input.turnIndex, grader: 'rules' as const };
  const emptyHits: KeypointHit[] = (turn?.expect.keypoints ?? []).map((k) => ({ id: k.id, weight: k.weight ?? 1, hit: false }));

  if (input.exchanges.length === 0) {
    return { ...base, recognition: 0, completeness: 0, level: 'error', hits: emptyHits, forbidHits: [], reasons: [m.noReply(m.neverSent)] };
  }
  const analyses: ReplyAnalysis[] = input.exchanges.map((e) =>
    analyseReplyCached(e.reply, { pack: input.pack, case: input.case, turnIndex: input.turnIndex, transcribed: input.transcribed, picked: e.utterance.attempt === 'clarify-answer' ? (e.utterance.click ?? e.utterance.text) : undefined }, ctx),
  );
  const forbidHits = [...new Set(analyses.flatMap((a) => a.forbidHits))];
  const reasons: string[] = [];
  if (analyses.some((a) => a.markup)) reasons.push(m.markupStripped);

  // A handoff decides the turn when it happens before any on-topic answer.
  const firstOn = analyses.findIndex((a) => a.kind === 'on-topic' || a.kind === 'ask-data');
  const handoffAt = analyses.findIndex((a) => a.kind === 'handoff');
  if (handoffAt >= 0 && (firstOn < 0 || handoffAt < firstOn)) {
    const why = analyses[handoffAt].why;
    if (expectHandoff === 'require' || expectHandoff === 'accept') {
      reasons.push(m.handoffOk(why, expectHandoff === 'require'));
      if (expectHandoff === 'require') {
        reasons.push(m.requiredHandoffHappened);
        return { ...base, recognition: 5, completeness: 5, level: 'handoff', hits: analyses[handoffAt].hits, forbidHits, reasons };
      }
      const a = analyses[handoffAt];
      const c = completeness(m, a, forbidHits, keypointText, reasons);
      return { ...base, recognition: 5, completeness: c, level: 'handoff', hits: a.hits, forbidHits, reasons };
    }
    reasons.push(m.handoffNotWanted(why), m.notRecognised);
    return { ...base, recognition: 0, completeness: 0, level: 'handoff', hits: emptyHits, forbidHits, reasons };
  }

  // Only ever asked for data, never answered: nothing was recognised yet.
  // (An answer to another question given after the ask is the better failure: it is still an answer.)
  if (firstOn >= 0 && !analyses.some((a) => a.kind === 'on-topic') && !analyses.some((a) => a.kind === 'off-topic')) {
    reasons.push(...[...new Set(analyses.filter((a) => a.kind === 'ask-data').map((a) => a.why))].map((w) => m.recognition0(w)), m.notRecognised);
    return { ...base, recognition: 0, completeness: 0, level: 'fallback', hits: emptyHits, forbidHits, reasons };
  }
  if (!analyses.some((a) => a.kind === 'on-topic')) {
    // Never on topic: the best failure wins (a wrong-topic answer is still an answer).
    const off = analyses.findIndex((a) => a.kind === 'off-topic');
    if (off >= 0) {
      const a = analyses[off];
      reasons.push(a.why, m.notRecognised);
      return { ...base, recognition: 1, completeness: 0, level: 'off-topic', topic: a.topic?.pack, hits: emptyHits, forbidHits, reasons };
    }
    // A menu of guesses none of which is the question: a wrong answer, not a question back.
    const missed = analyses.findIndex((a) => a.kind === 'clarify' && a.optionsMiss);
    if (missed >= 0 && analyses.every((a) => a.kind !== 'clarify' || a.optionsMiss)) {
      reasons.push(m.menuMisses(analyses[missed].why), m.notRecognised);
      return { ...base, recognition: 1, completeness: 0, level: 'off-topic', hits: emptyHits, forbidHits, reasons };
    }
    const level: RecognitionLevel = analyses.every((a) => a.kind === 'silence') ? 'silence' : 'fallback';
    const whys = [...new Set(analyses.map((a) => (a.kind === 'clarify' ? m.onlyMenu(a.why) : a.why)))];
    reasons.push(...whys.map((w) => m.recognition0(w)), m.notRecognised);
    return { ...base, recognition: 0, completeness: 0, level, hits: emptyHits, forbidHits, reasons };
  }

  // The final on-topic reply is the one scored for completeness.
  let finalOn = firstOn;
  for (let i = analyses.length - 1; i >= firstOn; i--) {
    if (analyses[i].kind === 'on-topic') {
      finalOn = i;
      break;
    }
  }
  const level = levelFor(input.exchanges, firstOn);
  const recognition = levelScore[level as keyof typeof levelScore];
  const viaData = input.exchanges.slice(0, firstOn + 1).some((e) => e.utterance.attempt === 'reply') || analyses[firstOn].kind === 'ask-data';
  reasons.push(m.level(level as 'first' | 'after-clarify' | 'after-rephrase', viaData));
  const a = analyses[finalOn];
  if (a.related.length) reasons.push(m.relatedIgnored(a.related));
  let c = completeness(m, a, forbidHits, keypointText, reasons);
  if (expectHandoff === 'require') {
    reasons.push(m.requiredHandoffMissing(c > 2));
    if (c > 2) c = 2;
  }
  return { ...base, recognition, completeness: c, level, hits: a.hits, forbidHits, reasons };
}

function completeness(m: Messages, a: ReplyAnalysis, forbidHits: string[], keypointText: Map<string, string>, reasons: string[]): number {
  let c: number;
  if (a.totalWeight === 0) {
    c = 5;
    reasons.push(m.noKeypoints);
  } else {
    c = round2((5 * a.hitWeight) / a.totalWeight);
    for (const h of a.hits) reasons.push(hitReason(m, h, keypointText.get(h.id) ?? ''));
    reasons.push(m.completeness(c, a.hitWeight, a.totalWeight));
  }
  if (forbidHits.length) {
    reasons.push(m.forbidden(forbidHits, c > 1));
    if (c > 1) c = 1;
  }
  return c;
}

export const rulesGrader: Grader = {
  id: 'rules',
  async gradeTurn(input, ctx) {
    return gradeTurnSync(input, ctx);
  },
};
