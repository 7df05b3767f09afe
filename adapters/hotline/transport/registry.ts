import { z } from 'zod';
import { sipTransportDefinition } from './sip/config.ts';
import type { Transport, TransportDefinition } from './types.ts';
import { websocketTransportDefinition } from './websocket-config.ts';

// The hotline transports a profile may pick with `transport: { type: … }`.
// Each is one definition (kind, schema, create); the config union derives from
// this list and is checked in full when the profile loads, while a
// transport's code (SIP stack, WebSocket client) loads only when a run dials.

export const transports = [
  websocketTransportDefinition,
  sipTransportDefinition,
] as const;

export type TransportKind = (typeof transports)[number]['kind'];
export const transportKinds = transports.map((t) => t.kind) as TransportKind[];

type Schemas<T extends readonly { schema: z.ZodType }[]> = { -readonly [I in keyof T]: T[I]['schema'] };

export const transportConfigSchema = z.discriminatedUnion('type', transports.map((t) => t.schema) as Schemas<typeof transports>);
export type TransportConfig = z.output<typeof transportConfigSchema>;

/** Builds the transport a parsed config names. */
export async function createTransport(config: TransportConfig): Promise<Transport> {
  const def = transports.find((t) => t.kind === config.type) as TransportDefinition | undefined;
  if (!def) throw new Error(`unknown transport "${config.type}" (known: ${transportKinds.join(', ')})`);
  return def.create(config);
}
