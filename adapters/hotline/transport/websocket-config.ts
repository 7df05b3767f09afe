import { z } from 'zod';
import type { TransportDefinition } from './types.ts';

// The WebSocket media-stream transport: its config and its definition for the
// registry (code in websocket.ts).

export const websocketTransportConfigSchema = z.strictObject({
  type: z.literal('websocket'),
  url: z.string().regex(/^(wss?:\/\/|\$\{)/, 'a ws:// or wss:// URL'),
  customParameters: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  connectTimeoutMs: z.number().int().positive().default(5000),
  codec: z.enum(['PCMU', 'PCMA']).default('PCMU'),
});
export type WebsocketTransportConfig = z.output<typeof websocketTransportConfigSchema>;


export const websocketTransportDefinition: TransportDefinition<'websocket', typeof websocketTransportConfigSchema> = {
  kind: 'websocket',
  schema: websocketTransportConfigSchema,
  create: async (c) => (await import('./websocket.ts')).websocketTransport(c),
};
