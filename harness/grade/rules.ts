import type { Exchange, KeypointHit, RecognitionLevel, TurnGrade } from '../types.ts';
import type { Grader, GradeContext, TurnGradeInput } from './types.ts';
import { analyseReply, type ReplyAnalysis } from './analyse.ts';

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

const levelWords: Record<string, string> = {
  first: 'on topic at the first ask',
  'after-clarify': "on topic after the bot's own clarifying question",
  'after-rephrase': 'on topic only after the question was rephrased',
};

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function hitReason(h: KeypointHit, text: string): string {
  const w = h.weight !== 1 ? ` (weight ${h.weight})` : '';
  if (!h.hit) return `missed ${h.id}${w}: ${text}`;
  const how = h.how === 'fuzzy' ? 'fuzzily by' : h.how === 'pinyin' ? 'by the sound of' : 'by synonym';
  return `hit ${h.id}${w} ${how} "${h.matched}"`;
}

/** Recognition level of an on-topic answer from the attempts that led to it. */
function levelFor(exchanges: Exchange[], upTo: number): RecognitionLevel {
  const attempts = exchanges.slice(0, upTo + 1).map((e) => e.utterance.attempt);
  if (attempts.includes('rephrase')) return 'after-rephrase';
  if (attempts.includes('clarify-answer')) return 'after-clarify';
  return 'first';
}

export function gradeTurnSync(input: TurnGradeInput, ctx: GradeContext): TurnGrade {
  const turn = input.case.turns[input.turnIndex];
  const expectHandoff = turn?.expect.handoff;
  const keypointText = new Map((turn?.expect.keypoints ?? []).map((k) => [k.id, k.text]));
  const base = { index: input.turnIndex, grader: 'rules' as const };
  const emptyHits: KeypointHit[] = (turn?.expect.keypoints ?? []).map((k) => ({ id: k.id, weight: k.weight ?? 1, hit: false }));

  if (input.exchanges.length === 0) {
    return { ...base, recognition: 0, completeness: 0, level: 'error', hits: emptyHits, forbidHits: [], reasons: ['no reply: the turn was never answered (error)'] };
  }
  const analyses: ReplyAnalysis[] = input.exchanges.map((e) =>
    analyseReply(e.reply, { pack: input.pack, case: input.case, turnIndex: input.turnIndex, transcribed: input.transcribed }, ctx),
  );
  const forbidHits = [...new Set(analyses.flatMap((a) => a.forbidHits))];
  const reasons: string[] = [];

  // A handoff decides the turn when it happens before any on-topic answer.
  const firstOn = analyses.findIndex((a) => a.kind === 'on-topic' || a.kind === 'ask-data');
  const handoffAt = analyses.findIndex((a) => a.kind === 'handoff');
  if (handoffAt >= 0 && (firstOn < 0 || handoffAt < firstOn)) {
    const why = analyses[handoffAt].why;
    if (expectHandoff === 'require' || expectHandoff === 'accept') {
      reasons.push(`${why}: a handoff is ${expectHandoff === 'require' ? 'required' : 'accepted'} here`);
      if (expectHandoff === 'require') {
        reasons.push('completeness 5: the required handoff happened');
        return { ...base, recognition: 5, completeness: 5, level: 'handoff', hits: analyses[handoffAt].hits, forbidHits, reasons };
      }
      const a = analyses[handoffAt];
      const c = completeness(a, forbidHits, keypointText, reasons);
      return { ...base, recognition: 5, completeness: c, level: 'handoff', hits: a.hits, forbidHits, reasons };
    }
    reasons.push(`${why} where the bot should answer itself: recognition 0`, 'completeness 0: not recognised');
    return { ...base, recognition: 0, completeness: 0, level: 'handoff', hits: emptyHits, forbidHits, reasons };
  }

  if (firstOn < 0) {
    // Never on topic: the best failure wins (a wrong-topic answer is still an answer).
    const off = analyses.findIndex((a) => a.kind === 'off-topic');
    if (off >= 0) {
      const a = analyses[off];
      reasons.push(a.why, 'completeness 0: not recognised');
      return { ...base, recognition: 1, completeness: 0, level: 'off-topic', topic: a.topic?.pack, hits: emptyHits, forbidHits, reasons };
    }
    const level: RecognitionLevel = analyses.every((a) => a.kind === 'silence') ? 'silence' : 'fallback';
    const whys = [...new Set(analyses.map((a) => (a.kind === 'clarify' ? `only ${a.why}, never an answer` : a.why)))];
    reasons.push(...whys.map((w) => `${w}: recognition 0`), 'completeness 0: not recognised');
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
  reasons.push(levelWords[level] + (viaData ? " (the bot asked for the customer's data first)" : ''));
  const a = analyses[finalOn];
  let c = completeness(a, forbidHits, keypointText, reasons);
  if (expectHandoff === 'require') {
    if (c > 2) {
      c = 2;
      reasons.push('a handoff to a human is required here and none happened: completeness capped at 2');
    } else {
      reasons.push('a handoff to a human is required here and none happened');
    }
  }
  return { ...base, recognition, completeness: c, level, hits: a.hits, forbidHits, reasons };
}

function completeness(a: ReplyAnalysis, forbidHits: string[], keypointText: Map<string, string>, reasons: string[]): number {
  let c: number;
  if (a.totalWeight === 0) {
    c = 5;
    reasons.push('completeness 5: the turn has no key points and the bot recognised it');
  } else {
    c = round2((5 * a.hitWeight) / a.totalWeight);
    for (const h of a.hits) reasons.push(hitReason(h, keypointText.get(h.id) ?? ''));
    reasons.push(`completeness ${c}: key points worth ${a.hitWeight} of ${a.totalWeight}`);
  }
  if (forbidHits.length && c > 1) {
    c = 1;
    reasons.push(`forbidden ${forbidHits.map((f) => `"${f}"`).join(', ')} in reply: completeness capped at 1`);
  } else if (forbidHits.length) {
    reasons.push(`forbidden ${forbidHits.map((f) => `"${f}"`).join(', ')} in reply`);
  }
  return c;
}

export const rulesGrader: Grader = {
  id: 'rules',
  async gradeTurn(input, ctx) {
    return gradeTurnSync(input, ctx);
  },
};
