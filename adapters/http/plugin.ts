import type { AdapterDefinition } from '../types.ts';
import { httpConfigSchema } from './config.ts';

// The http adapter for the registry (adapters/registry.ts): its config schema
// now, its code when a run uses it.

export const httpAdapter: AdapterDefinition<'http', typeof httpConfigSchema> = {
  kind: 'http',
  schema: httpConfigSchema,
  create: async (config, env) => (await import('./index.ts')).createHttpAdapter(config, env),
};
