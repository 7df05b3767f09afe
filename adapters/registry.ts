import type { z } from 'zod';
import type { AdapterFactory } from '../harness/types.ts';
import { httpConfigSchema } from './http/config.ts';

// Closed registry: every adapter kind has a config schema (loaded eagerly, it
// is small) and a factory (loaded lazily: Playwright, speech and SIP code load
// only when a run needs them). A kind without both does not compile.

export const adapterKinds = ['http'] as const;
export type AdapterKind = (typeof adapterKinds)[number];

export const adapterConfigSchemas = {
  http: httpConfigSchema,
} satisfies Record<AdapterKind, z.ZodType>;

export const adapterFactories: Record<AdapterKind, () => Promise<AdapterFactory<any>>> = {
  http: async () => (await import('./http/index.ts')).createHttpAdapter,
};
