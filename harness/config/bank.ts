import { embeddedKinds } from '../embedded.ts';
import { z } from 'zod';
import { adapterConfigSchemas, adapterKinds, type AdapterKind } from '../../adapters/registry.ts';
import { channelKindSchema } from './scenario.ts';

// Bank profiles: banks/<id>.yaml. Real banks get a low default politeness
// (2 sessions per channel, ≥1 s between turns): a mystery shopper, never a load generator.

export const politenessSchema = z.strictObject({
  maxConcurrent: z.number().int().positive().default(2).describe('Conversations at once on one channel'),
  minIntervalMs: z.number().min(0).default(1000).describe('Minimum gap between two messages sent to one channel'),
});

const channelCommon = {
  kind: channelKindSchema.optional().describe('online or hotline (default: hotline for the hotline adapter)'),
  politeness: politenessSchema.partial().optional().describe('Overrides the bank politeness for this channel'),
  enabled: z.boolean().default(true),
  label: z.string().optional().describe('A display name for reports'),
};

const channelSchemas = adapterKinds.map((kind) =>
  (adapterConfigSchemas[kind] as z.ZodObject).extend({ adapter: z.literal(kind), ...channelCommon }),
);

export const channelSchema = z.discriminatedUnion('adapter', channelSchemas as any);

export const bankSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-"'),
  name: z.string().min(1),
  locale: z.string().default('zh-CN'),
  embedded: z.enum(embeddedKinds).optional().describe('Start this embedded bank in-process on loopback for the run'),
  embeddedOptions: z.record(z.string(), z.unknown()).default({}).describe('Options for the embedded bank (latency, brain quality…)'),
  politeness: politenessSchema.default({ maxConcurrent: 2, minIntervalMs: 1000 }),
  concurrency: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Conversations at once across all channels when the run does not say (--concurrency); default 8. Each channel stays within its politeness.maxConcurrent'),
  timeouts: z
    .strictObject({
      turnMs: z.number().int().positive().default(30_000),
      conversationMs: z.number().int().positive().default(300_000),
    })
    .default({ turnMs: 30_000, conversationMs: 300_000 }),
  retries: z
    .strictObject({
      max: z.number().int().min(0).default(3).describe('Resends of a failed request in the same session after a transport fault; restarts of a conversation whose session broke'),
      baseMs: z.number().int().min(0).default(500),
      maxMs: z.number().int().min(0).default(20_000),
    })
    .default({ max: 3, baseMs: 500, maxMs: 20_000 }),
  preflight: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Send one question per channel before the run fans out; stop a channel whose setup is broken'),
      timeoutMs: z.number().int().positive().default(10_000).describe('How long the reply to the preflight question may take; raise it for a slow bot'),
      openTimeoutMs: z.number().int().positive().default(30_000).describe('How long opening the chat may take (a browser starting, a call through the IVR)'),
    })
    .default({ enabled: true, timeoutMs: 10_000, openTimeoutMs: 30_000 })
    .describe('The check before a run: refused, 401/403/404, TLS, timeout, or a path/selector that extracts nothing stops the channel'),
  breaker: z
    .strictObject({
      consecutiveFaults: z.number().int().min(0).default(5).describe('Stop a channel after this many transport faults in a row (0: never)'),
    })
    .default({ consecutiveFaults: 5 })
    .describe('The circuit breaker: a channel that keeps failing stops, the rest of the run goes on'),
  judge: z
    .strictObject({
      baseURL: z.string().optional().describe('OpenAI-compatible endpoint (default: OPENAI_BASE_URL)'),
      model: z.string().optional().describe('Judge model (default: OPENAI_MODEL)'),
      apiKey: z.string().optional().describe('Use ${env:…}; default OPENAI_API_KEY'),
      concurrency: z.number().int().positive().optional(),
    })
    .optional()
    .describe('The LLM judge for --grader llm|both'),
  channels: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'channel names: lower-case letters, digits, "_", "-"'), channelSchema),
});

export type ChannelConfig = z.output<typeof channelSchemas[number]> & { adapter: AdapterKind; kind?: 'online' | 'hotline'; enabled: boolean; label?: string; politeness?: Partial<Politeness> };
export type Politeness = z.output<typeof politenessSchema>;
export type BankProfile = Omit<z.output<typeof bankSchema>, 'channels'> & { channels: Record<string, ChannelConfig> };

export function channelKind(c: ChannelConfig): 'online' | 'hotline' {
  return c.kind ?? (c.adapter === ('hotline' as AdapterKind) ? 'hotline' : 'online');
}
