import { z } from 'zod';

// Config of the WebSocket media-stream transport (code in websocket.ts).

export const websocketTransportConfigSchema = z.strictObject({
  type: z.literal('websocket'),
  url: z.string().regex(/^(wss?:\/\/|\$\{)/, 'a ws:// or wss:// URL'),
  customParameters: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  connectTimeoutMs: z.number().int().positive().default(5000),
  codec: z.enum(['PCMU', 'PCMA']).default('PCMU'),
});
export type WebsocketTransportConfig = z.output<typeof websocketTransportConfigSchema>;

