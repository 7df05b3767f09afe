import type { AdapterDefinition } from '../types.ts';
import { hotlineConfigSchema } from './config.ts';

// The hotline adapter for the registry (adapters/registry.ts): its config schema
// now, its code when a run uses it.

export const hotlineAdapter: AdapterDefinition<'hotline', typeof hotlineConfigSchema> = {
  kind: 'hotline',
  schema: hotlineConfigSchema,
  create: async (config, env) => (await import('./index.ts')).createHotlineAdapter(config, env),
};
