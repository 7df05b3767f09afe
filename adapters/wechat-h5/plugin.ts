import type { AdapterDefinition } from '../types.ts';
import { wechatH5ConfigSchema } from './config.ts';

// The wechat-h5 adapter for the registry (adapters/registry.ts): its config schema
// now, its code when a run uses it.

export const wechatH5Adapter: AdapterDefinition<'wechat-h5', typeof wechatH5ConfigSchema> = {
  kind: 'wechat-h5',
  schema: wechatH5ConfigSchema,
  create: async (config, env) => (await import('./index.ts')).createWechatH5Adapter(config, env),
};
