import type { AdapterFactory } from '../harness/types.ts';
import { hotlineAdapter } from './hotline/plugin.ts';
import { httpAdapter } from './http/plugin.ts';
import type { AdapterDefinition } from './types.ts';
import { webAdapter } from './web/plugin.ts';
import { wechatH5Adapter } from './wechat-h5/plugin.ts';
import { wechatMpAdapter } from './wechat-mp/plugin.ts';

// The adapter kinds a channel may use. Each is one definition (kind, schema,
// create) in adapters/<kind>/plugin.ts; schemas load eagerly (they are small),
// adapter code lazily (Playwright, speech and SIP load only when a run needs
// them). The kind union and the lookups below derive from this list.

export const adapters = [
  httpAdapter,
  webAdapter,
  wechatH5Adapter,
  wechatMpAdapter,
  hotlineAdapter,
] as const;

export type AdapterKind = (typeof adapters)[number]['kind'];
export const adapterKinds = adapters.map((a) => a.kind) as AdapterKind[];

export const adapterConfigSchemas = Object.fromEntries(adapters.map((a) => [a.kind, a.schema])) as {
  [A in (typeof adapters)[number] as A['kind']]: A['schema'];
};

/** The factory of each kind, for the runner: `await adapterFactories[kind]()`. */
export const adapterFactories = Object.fromEntries(
  adapters.map((a) => [a.kind, async () => (a as AdapterDefinition).create as AdapterFactory<any>]),
) as Record<AdapterKind, () => Promise<AdapterFactory<any>>>;

/** `harness probe`: the web adapter finds a page's chat widget and drafts its channels.web block. */
export async function probeChatWidget(url: string, options: { timeoutMs?: number }) {
  return (await import('./web/probe.ts')).probe(url, options);
}
