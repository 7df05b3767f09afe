import { z } from 'zod';

// The survey scorecard in summary.json: the parts of the survey's method a
// harness can measure on its own (channel diversity, convenience,
// integration, AI effectiveness online and on the hotline), each with the
// survey's industry figure beside it as a reference.

const score = z.number().nullable();
const pairSchema = z.object({ recognition: score, completeness: score, effectiveness: score });

export const ivrBuckets = ['≤1', '2–3', '4–5', '≥6'] as const;
export const waitBuckets = ['≤20 s', '20–40 s', '40–60 s', '>60 s'] as const;
export const media = ['web', 'wechat', 'api', 'hotline', 'other'] as const;

export const scorecardSchema = z.object({
  diversity: z.object({
    /** Every channel of the profile the run talked to, and whether a bot answered on it — measured, not declared. */
    channels: z.array(
      z.object({
        name: z.string(),
        label: z.string().optional(),
        kind: z.enum(['online', 'hotline']),
        medium: z.enum(media),
        conversations: z.number().int(),
        /** Share of conversations in which the bot itself answered at least one question on topic. */
        answeredShare: z.number().nullable(),
        /** AI service measured: the bot answered on topic in at least half of the conversations. */
        ai: z.boolean().nullable(),
      }),
    ),
    /** Channels by medium (web, WeChat, API, hotline). */
    byMedium: z.record(z.string(), z.number().int()),
    online: z.object({ channels: z.number().int(), ai: z.boolean() }),
    hotline: z.object({ channels: z.number().int(), ai: z.boolean() }),
  }),
  convenience: z.object({
    /** One entry per hotline channel with IVR measurements. */
    hotlines: z.array(
      z.object({
        channel: z.string(),
        label: z.string().optional(),
        calls: z.number().int(),
        /** Menu levels (keys pressed or phrases said) from the first prompt to the voice bot: the median over calls. */
        ivrDepth: z.number().nullable(),
        ivrBucket: z.enum(ivrBuckets).nullable(),
        /** The first menu offers a human agent (in most calls). */
        humanInFirstMenu: z.boolean().nullable(),
        /** Seconds from asking for an agent to an agent answering; null: not measured. */
        timeToHumanS: z.number().nullable(),
        waitBucket: z.enum(waitBuckets).nullable(),
        /** Asked for an agent and none answered within the wait. */
        humanNotReached: z.boolean(),
      }),
    ),
  }),
  integration: z.object({
    /** Each route of the cross-channel cases (from → to) and how many of its conversations passed. */
    pairs: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        fromKind: z.enum(['online', 'hotline']),
        toKind: z.enum(['online', 'hotline']),
        cases: z.array(z.string()),
        n: z.number().int(),
        passed: z.number().int(),
        /** Every conversation of the route passed: feedback left on `from` is found on `to`. */
        ok: z.boolean(),
      }),
    ),
    /** Cross-channel cases the bank could not be tested on (it lacks a channel they name). */
    skipped: z.array(z.object({ pack: z.string(), case: z.string(), reason: z.string() })),
    /** Any tested route passed; null when none was tested. */
    integrated: z.boolean().nullable(),
    /** A route between an online channel and the hotline (either way) passed; null when none was tested. */
    onlineHotline: z.boolean().nullable(),
  }),
  effectiveness: z.object({ online: pairSchema.extend({ n: z.number().int() }), hotline: pairSchema.extend({ n: z.number().int() }) }),
  /** The survey's industry figures (CBA 2022, 177 banks), the reference lines. */
  reference: z.object({
    onlineAiShare: z.number(),
    hotlineAiShare: z.number(),
    ivr23Share: z.number(),
    humanFirstMenuShare: z.number(),
    waitLe20Share: z.number(),
    integrationShare: z.number(),
    onlineHotlineShareOfIntegrated: z.number(),
    online: pairSchema,
    hotline: pairSchema,
    industry: pairSchema,
    dimensionScores: z.object({ diversity: z.number(), convenience: z.number(), integration: z.number() }),
  }),
});
export type Scorecard = z.output<typeof scorecardSchema>;
