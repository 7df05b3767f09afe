import type { AdapterDefinition } from '../types.ts';
import { webConfigSchema } from './config.ts';

// The web adapter for the registry (adapters/registry.ts): its config schema
// now, its code when a run uses it.

export const webAdapter: AdapterDefinition<'web', typeof webConfigSchema> = {
  kind: 'web',
  schema: webConfigSchema,
  create: async (config, env) => (await import('./index.ts')).createWebAdapter(config, env),
};
