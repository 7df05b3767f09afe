import { z } from 'zod';

// summary.json: a stable contract that CI scripts and --baseline read. The
// zod schema is the contract; the types are inferred from it.

import { langs, type Lang } from '../types.ts';
import { scorecardSchema } from './scorecard-schema.ts';

export { langs, type Lang };
export const langSchema = z.enum(langs);

const score = z.number().nullable();

export const scorePairSchema = z.object({
  recognition: score,
  completeness: score,
  /** recognition + completeness, 0..10 */
  effectiveness: score,
});
export type ScorePair = z.output<typeof scorePairSchema>;

export const scenarioScoreSchema = scorePairSchema.extend({
  n: z.number().int(),
  /** Share of conversations that passed (recognition and completeness ≥ the good threshold). */
  passRate: z.number().nullable(),
});
export type ScenarioScore = z.output<typeof scenarioScoreSchema>;

export const caseScoreSchema = scorePairSchema.extend({
  channel: z.string(),
  pack: z.string(),
  case: z.string(),
  /** The case's name in its pack, for readers; the id where the pack gives none. */
  name: z.string().optional(),
  n: z.number().int(),
  /** With --repeat k > 1: all k repeats of a variant passed, averaged over variants. */
  passK: z.number().optional(),
  /** Wilson 95 % interval of the pass rate, where the case has more than one sample. */
  wilson: z.tuple([z.number(), z.number()]).optional(),
});
export type CaseScore = z.output<typeof caseScoreSchema>;

const metricValue = z.union([z.number(), z.boolean(), z.null()]);

export const channelScoreSchema = scorePairSchema.extend({
  kind: z.enum(['online', 'hotline']),
  /** The adapter the channel runs on (http, web, wechat-h5, wechat-mp, hotline): metrics are per adapter. */
  adapter: z.string().optional(),
  /** The profile's display name for the channel. */
  label: z.string().optional(),
  conversations: z.number().int(),
  errors: z.number().int(),
  simulated: z.boolean().optional(),
  latency: z.object({ firstMsP50: z.number().nullable(), settledMsP50: z.number().nullable(), settledMsP90: z.number().nullable() }),
  scenarios: z.record(z.string(), scenarioScoreSchema),
  /** Hotline IVR metrics averaged over calls, where measured (hotline channels only). */
  ivr: z.record(z.string(), metricValue).optional(),
  /** The adapter's own metrics averaged over conversations (numbers) or the share true (flags), where measured. */
  metrics: z.record(z.string(), metricValue).optional(),
});
export type ChannelScore = z.output<typeof channelScoreSchema>;

/** A channel stopped (preflight, circuit breaker) or whose replies were mostly empty. */
export const setupProblemSchema = z.object({
  channel: z.string(),
  problem: z.enum(['stopped', 'empty-replies']),
  /** For a stop: preflight or breaker, and the fault kind. */
  by: z.enum(['preflight', 'breaker']).optional(),
  kind: z.string().optional(),
  cause: z.string(),
  fix: z.string(),
  /** For empty replies: the share of replies that were empty or hit the wait limit. */
  share: z.number().optional(),
  /** The command that shows what the channel sends back. */
  tryCommand: z.string(),
});
export type SetupProblem = z.output<typeof setupProblemSchema>;

export const summarySchema = z.object({
  run: z.object({
    id: z.string(),
    bank: z.string(),
    bankName: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    grader: z.enum(['rules', 'llm', 'both']),
    conversations: z.number().int(),
    errors: z.number().int(),
    shard: z.string().optional(),
    lang: langSchema,
  }),
  channels: z.record(z.string(), channelScoreSchema),
  online: scorePairSchema.extend({ n: z.number().int() }),
  hotline: scorePairSchema.extend({ n: z.number().int(), ivr: z.record(z.string(), metricValue).optional() }),
  bank: scorePairSchema.extend({ score100: z.number().nullable() }),
  scenarios: z.record(z.string(), scenarioScoreSchema.extend({ name: z.string() })),
  cases: z.array(caseScoreSchema),
  /** "Good" threshold used for pass rates and shares (default 4.0). */
  good: z.number(),
  /** Conversations that fell short of "good" (not errored), lowest first, at most ten: the reports' lowest-scores section. */
  lowest: z.array(z.string()).optional(),
  /** Agreement between graders with --grader both. */
  agreement: z.object({ kappa: z.number(), agreement: z.number(), disagreements: z.number().int() }).optional(),
  /** Channels whose results say more about the setup than about the bot; reports show them first. */
  setup: z.array(z.lazy(() => setupProblemSchema)).optional(),
  /** The run this one was compared with (--baseline), named so a reader knows what a drop is against. */
  baseline: z.object({ id: z.string(), path: z.string() }).optional(),
  /** The survey's scorecard: channel diversity, convenience, integration and AI effectiveness beside the industry figures. */
  scorecard: scorecardSchema.optional(),
});
export type Summary = z.output<typeof summarySchema>;
