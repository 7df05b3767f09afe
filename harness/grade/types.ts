import type { Locale, Pack, ScenarioCase } from '../config/scenario.ts';
import type { BotReply, Exchange, TurnGrade } from '../types.ts';
import type { Lang } from './messages.ts';

export interface GradeContext {
  /** Every loaded pack: the topic check compares a reply against the others' key points. */
  packs: Pack[];
  locale: Locale;
  /** Normalised replies the bot gave to unrelated questions across the run: canned fallbacks. */
  cannedReplies: Set<string>;
  /** Dice similarity threshold for fuzzy key-point hits (0..1). */
  fuzzyThreshold: number;
  /** Language of the reasons; by default the packs' locale (zh for zh-CN). */
  lang?: Lang;
}

export interface TurnGradeInput {
  pack: Pack;
  case: ScenarioCase;
  turnIndex: number;
  /** Every message of the turn in order: the first ask, then any clarify answer, rephrase or scripted reply. */
  exchanges: Exchange[];
  /** The channel is a hotline (replies were transcribed): pinyin matching applies. */
  transcribed: boolean;
}

export const graderKinds = ['rules', 'llm'] as const;
export type GraderKind = (typeof graderKinds)[number];

export interface Grader {
  readonly id: GraderKind;
  gradeTurn(input: TurnGradeInput, ctx: GradeContext): Promise<TurnGrade>;
  /** Release clients and flush caches. */
  close?(): Promise<void>;
}

/**
 * What the conversation driver needs to know about a reply while the
 * conversation is still going (to answer a clarifying question, or rephrase).
 */
export type ReplyAssessment =
  | 'on-topic'
  | 'clarify' // the bot asks which thing the customer means
  | 'ask-data' // the bot asks for data (a `replies` rule may answer)
  | 'fallback'
  | 'off-topic'
  | 'handoff'
  | 'silence';

/** Synchronous on the main thread; a promise when a grading thread answers (harness/grade-thread.ts). */
export type AssessReply = (reply: BotReply, input: { pack: Pack; case: ScenarioCase; turnIndex: number; transcribed: boolean }, ctx: GradeContext) => ReplyAssessment | Promise<ReplyAssessment>;
