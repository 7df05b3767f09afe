import { z } from 'zod';

export const httpConfigSchema = z.strictObject({
  url: z.string().min(1).describe('The bot API endpoint; may use ${env:…} and ${embedded:…}'),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers, e.g. Authorization: Bearer ${env:BOT_TOKEN}'),
  request: z
    .unknown()
    .default({ text: '{{text}}', sessionId: '{{sessionId}}' })
    .describe('JSON body template; {{text}}, {{sessionId}}, {{turn}}, {{conversationId}} are filled in'),
  response: z
    .strictObject({
      text: z.string().default('reply.text').describe('Path of the reply text (or of an array of texts)'),
      messages: z.string().optional().describe('Path of the individual messages, e.g. reply.messages[*].text'),
      buttons: z.string().optional().describe('Path of quick-reply button texts, e.g. reply.buttons[*]'),
      intent: z.string().optional().describe("Path of the bot's own intent label"),
      handoff: z.string().optional().describe('Path of a boolean: the bot handed over to a human'),
      sessionId: z.string().optional().describe('Path of the session id the bot assigns, sent back on later turns'),
    })
    .default({ text: 'reply.text' }),
  session: z
    .strictObject({
      cookies: z.boolean().default(true).describe('Keep cookies the bot sets for the conversation'),
      header: z.string().optional().describe('Send the session id in this header too'),
    })
    .default({ cookies: true }),
  timeoutMs: z.number().int().positive().optional().describe('Per-request timeout (default: the bank turn timeout)'),
});

export type HttpConfig = z.output<typeof httpConfigSchema>;
