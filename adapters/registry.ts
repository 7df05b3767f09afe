import type { z } from 'zod';
import type { AdapterFactory } from '../harness/types.ts';
import { hotlineConfigSchema } from './hotline/config.ts';
import { httpConfigSchema } from './http/config.ts';
import { webConfigSchema } from './web/config.ts';
import { wechatH5ConfigSchema } from './wechat-h5/config.ts';
import { wechatMpConfigSchema } from './wechat-mp/config.ts';

// Closed registry: every adapter kind has a config schema (loaded eagerly, it
// is small) and a factory (loaded lazily: Playwright, speech and SIP code load
// only when a run needs them). A kind without both does not compile.

export const adapterKinds = ['http', 'web', 'wechat-h5', 'wechat-mp', 'hotline'] as const;
export type AdapterKind = (typeof adapterKinds)[number];

export const adapterConfigSchemas = {
  http: httpConfigSchema,
  web: webConfigSchema,
  'wechat-h5': wechatH5ConfigSchema,
  'wechat-mp': wechatMpConfigSchema,
  hotline: hotlineConfigSchema,
} satisfies Record<AdapterKind, z.ZodType>;

export const adapterFactories: Record<AdapterKind, () => Promise<AdapterFactory<any>>> = {
  http: async () => (await import('./http/index.ts')).createHttpAdapter,
  web: async () => (await import('./web/index.ts')).createWebAdapter,
  'wechat-h5': async () => (await import('./wechat-h5/index.ts')).createWechatH5Adapter,
  'wechat-mp': async () => (await import('./wechat-mp/index.ts')).createWechatMpAdapter,
  hotline: async () => (await import('./hotline/index.ts')).createHotlineAdapter,
};
