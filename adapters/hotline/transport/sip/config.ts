import { z } from 'zod';
import type { TransportDefinition } from '../types.ts';

// How the harness calls a hotline over SIP. Secrets (the password) come from
// `${env:VAR}` in the bank profile, interpolated before this schema runs; an
// embedded bank's address (`${embedded:hotline-sip}`) is filled in only when
// the bank starts, so the URI check lets it through at load and the transport
// checks the real URI again when it is created.

/** A SIP URI, or an embedded bank's address still to be filled in. */
const sipUri = (example: string) => z.string().regex(/^(sips?:\S+|\$\{embedded:[^}]+\}\S*)$/, `a SIP URI such as ${example}`);

export const sipTransportConfigSchema = z.strictObject({
  type: z.literal('sip'),
  /** Who to call: `sip:bot@127.0.0.1:5070`, `sip:95588@sbc.example.com;transport=tcp`. */
  uri: sipUri('sip:bot@127.0.0.1:5070'),
  /** Our address of record in From (default sip:harness@<localAddress>). */
  from: sipUri('sip:harness@example.com').optional(),
  displayName: z.string().optional(),
  auth: z
    .strictObject({
      username: z.string().min(1),
      password: z.string(),
      /** Answer only challenges of this realm (default: any). */
      realm: z.string().optional(),
    })
    .optional(),
  register: z
    .strictObject({
      registrar: sipUri('sip:pbx.example.com'),
      expires: z.number().int().positive().default(3600),
    })
    .optional(),
  transport: z.enum(['udp', 'tcp']).default('udp'),
  localAddress: z.string().default('127.0.0.1'),
  codecs: z.array(z.enum(['PCMU', 'PCMA'])).min(1).default(['PCMU', 'PCMA']),
  dtmfPayloadType: z.number().int().min(96).max(127).default(101),
  /** From INVITE to 200 OK; past it the harness sends CANCEL: "no-answer". */
  answerTimeoutMs: z.number().int().positive().default(30000),
  /** From INVITE to the first response of any kind; past it the hotline is "unreachable". */
  ringTimeoutMs: z.number().int().positive().default(8000),
  /** No RTP from the far end for this long mid-call: the call "dropped". */
  mediaTimeoutMs: z.number().int().positive().default(10000),
});

export type SipTransportConfig = z.output<typeof sipTransportConfigSchema>;

export const sipTransportDefinition: TransportDefinition<'sip', typeof sipTransportConfigSchema> = {
  kind: 'sip',
  schema: sipTransportConfigSchema,
  create: async (c) => (await import('./index.ts')).sipTransport(c),
};
