import type { AdapterDefinition } from '../types.ts';
import { wechatMpConfigSchema } from './config.ts';

// The wechat-mp adapter for the registry (adapters/registry.ts): its config schema
// now, its code when a run uses it.

export const wechatMpAdapter: AdapterDefinition<'wechat-mp', typeof wechatMpConfigSchema> = {
  kind: 'wechat-mp',
  schema: wechatMpConfigSchema,
  create: async (config, env) => (await import('./index.ts')).createWechatMpAdapter(config, env),
};
