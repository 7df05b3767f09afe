import { z } from 'zod';
import { ivrStepSchema } from './ivr-config.ts';
import { asrConfigSchema, ttsConfigSchema } from './speech/registry.ts';
import { transportConfigSchema } from './transport/registry.ts';

// The `hotline` channel of a bank profile (the bank schema adds `adapter`,
// `kind` and `politeness`).

export const hotlineConfigSchema = z.strictObject({
  transport: transportConfigSchema,
  speech: z.strictObject({ tts: ttsConfigSchema, asr: asrConfigSchema }),
  /** Steps from dialling to the voice bot. */
  ivr: z.array(ivrStepSchema).default([]),
  vad: z
    .strictObject({
      thresholdDb: z.number().max(0).default(-40),
      minSpeechMs: z.number().int().min(0).default(60),
      /** Silence that ends the bot's utterance; raise it for bots that pause between sentences. */
      hangoverMs: z.number().int().min(20).default(600),
    })
    .default({ thresholdDb: -40, minSpeechMs: 60, hangoverMs: 600 }),
  /** Telephone-band filter and line noise on the caller's audio (never on simulated speech). */
  conditioning: z
    .strictObject({ snrDb: z.number().optional(), band: z.boolean().default(true) })
    .default({ band: true }),
  /** Silence after the caller spoke before the turn counts as unanswered. */
  replyTimeoutMs: z.number().int().positive().default(15000),
  /** Further utterances starting within this many ms after one ends belong to the same reply (0: one utterance). */
  replyJoinMs: z.number().int().min(0).default(0),
  maxUtteranceMs: z.number().int().positive().default(60000),
  /** At the end of each call, ask for a human agent and time how long it takes. */
  measureHuman: z.boolean().default(false),
  human: z.union([z.strictObject({ say: z.string().min(1) }), z.strictObject({ dtmf: z.string().regex(/^[0-9*#]+$/) })]).default({ say: '转人工' }),
  humanTimeoutMs: z.number().int().positive().default(30000),
  /** Keep WAV files of what the harness said and heard as evidence. */
  saveAudio: z.boolean().default(true),
});

export type HotlineConfigInput = z.input<typeof hotlineConfigSchema>;
export type HotlineConfig = z.output<typeof hotlineConfigSchema>;
