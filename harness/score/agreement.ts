import type { GradedConversation, RecognitionLevel, TurnGrade } from '../types.ts';

// Agreement between two graders over the same turns (--grader both):
// Cohen's κ over coarse buckets, because two graders agreeing that a reply is
// "on topic and mostly complete" matters more than agreeing on a 4 versus a 5.

export type RecognitionBucket = 'on-topic' | 'off-topic' | 'fallback';
export type CompletenessBucket = 'low' | 'mid' | 'high';

/** Verdicts whose total score (recognition + completeness) differ by this much are flagged for review. */
export const reviewThreshold = 3;

export function recognitionBucket(turn: Pick<TurnGrade, 'level' | 'recognition'>): RecognitionBucket {
  const onTopic: RecognitionLevel[] = ['first', 'after-clarify', 'after-rephrase'];
  if (onTopic.includes(turn.level)) return 'on-topic';
  if (turn.level === 'off-topic') return 'off-topic';
  if (turn.level === 'handoff') return turn.recognition >= 3 ? 'on-topic' : 'fallback';
  return 'fallback';
}

export function completenessBucket(completeness: number): CompletenessBucket {
  return completeness < 2 ? 'low' : completeness < 4 ? 'mid' : 'high';
}

export interface Disagreement {
  /** Position in the compared lists. */
  position: number;
  turn: number;
  a: { level: RecognitionLevel; recognition: number; completeness: number; grader: string };
  b: { level: RecognitionLevel; recognition: number; completeness: number; grader: string };
  /** |(a.recognition + a.completeness) − (b.recognition + b.completeness)| */
  delta: number;
  /** Differ by ≥ reviewThreshold points: a person should look. */
  review: boolean;
  /** Set by agreementOfConversations. */
  conversation?: string;
}

export interface Agreement {
  /** κ over the joint bucket (recognition bucket × completeness bucket). */
  kappa: number;
  /** Observed share of turns in the same joint bucket. */
  agreement: number;
  recognition: { kappa: number; agreement: number };
  completeness: { kappa: number; agreement: number };
  n: number;
  disagreements: Disagreement[];
}

/** Cohen's κ of two label sequences of equal length. 1 when both are constant and equal. */
export function cohensKappa(a: string[], b: string[]): { kappa: number; agreement: number } {
  if (a.length !== b.length) throw new Error(`cohensKappa: ${a.length} labels against ${b.length}`);
  const n = a.length;
  if (n === 0) return { kappa: 1, agreement: 1 };
  let same = 0;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) same++;
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
  }
  const po = same / n;
  let pe = 0;
  for (const [label, ca] of countA) pe += (ca / n) * ((countB.get(label) ?? 0) / n);
  const kappa = pe >= 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
  return { kappa, agreement: po };
}

export function agreement(a: TurnGrade[], b: TurnGrade[]): Agreement {
  if (a.length !== b.length) throw new Error(`agreement: ${a.length} turn grades against ${b.length}`);
  const recA = a.map(recognitionBucket);
  const recB = b.map(recognitionBucket);
  const comA = a.map((t) => completenessBucket(t.completeness));
  const comB = b.map((t) => completenessBucket(t.completeness));
  const joint = cohensKappa(recA.map((r, i) => `${r}/${comA[i]}`), recB.map((r, i) => `${r}/${comB[i]}`));
  const disagreements: Disagreement[] = [];
  a.forEach((ta, i) => {
    const tb = b[i];
    const delta = Math.abs(ta.recognition + ta.completeness - tb.recognition - tb.completeness);
    if (recA[i] === recB[i] && comA[i] === comB[i] && delta < reviewThreshold) return;
    const side = (t: TurnGrade) => ({ level: t.level, recognition: t.recognition, completeness: t.completeness, grader: t.grader });
    disagreements.push({ position: i, turn: ta.index, a: side(ta), b: side(tb), delta, review: delta >= reviewThreshold });
  });
  return {
    ...joint,
    recognition: cohensKappa(recA, recB),
    completeness: cohensKappa(comA, comB),
    n: a.length,
    disagreements,
  };
}

/** Pairs each conversation's grade with its `alt` grade, turn by turn (by turn index). */
export function agreementOfConversations(conversations: GradedConversation[]): Agreement {
  const a: TurnGrade[] = [];
  const b: TurnGrade[] = [];
  const owner: string[] = [];
  for (const c of conversations) {
    if (!c.alt) continue;
    const alt = new Map(c.alt.turns.map((t) => [t.index, t]));
    for (const t of c.grade.turns) {
      const other = alt.get(t.index);
      if (!other) continue;
      a.push(t);
      b.push(other);
      owner.push(c.record.id);
    }
  }
  const result = agreement(a, b);
  for (const d of result.disagreements) d.conversation = owner[d.position];
  return result;
}
