import type { z } from 'zod';
import type { Adapter, AdapterEnv } from '../harness/types.ts';

/**
 * An adapter as the registry knows it: the `adapter:` value of a channel, the
 * schema of the channel's own config (the bank schema adds `adapter`, `kind`,
 * `politeness`…; checked when the profile loads) and a factory that imports
 * the adapter's code (Playwright, speech, SIP) only when a run uses it.
 */
export interface AdapterDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  schema: S;
  create(config: z.output<S>, env: AdapterEnv): Promise<Adapter>;
}
