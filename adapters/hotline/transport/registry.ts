import { z } from 'zod';
import type { Transport } from './types.ts';
import { websocketTransportConfigSchema } from './websocket-config.ts';

// Closed registry of hotline transports. The SIP transport's schema and code
// load only when a profile uses it.

export const transportKinds = ['websocket', 'sip'] as const;
export type TransportKind = (typeof transportKinds)[number];

type Loaded = { schema: z.ZodType; create: (config: any) => Transport | Promise<Transport> };

export const transportLoaders: Record<TransportKind, () => Promise<Loaded>> = {
  websocket: async () => {
    const m = await import('./websocket.ts');
    return { schema: m.websocketTransportConfigSchema, create: m.websocketTransport };
  },
  sip: async () => {
    const m = await import('./sip/index.ts');
    return { schema: m.sipTransportConfigSchema, create: m.sipTransport };
  },
};

/**
 * The hotline config keeps `transport` loose (`type` + any keys) so the SIP
 * module loads only when used; the transport's own strict schema checks the
 * rest when the adapter starts.
 */
export const transportConfigSchema = z.looseObject({ type: z.enum(transportKinds) }).superRefine((value, ctx) => {
  if (value.type === 'websocket') {
    const r = websocketTransportConfigSchema.safeParse(value);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});
export type TransportConfig = z.output<typeof transportConfigSchema>;

export async function createTransport(config: TransportConfig): Promise<Transport> {
  const { schema, create } = await transportLoaders[config.type]();
  return create(schema.parse(config));
}
