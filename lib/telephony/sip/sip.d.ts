// Types for the `sip` package (0.0.6), which ships none: only the parts the
// SIP transport and the demo UAS use.

declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    password?: string;
    host: string;
    port?: number;
    params: Record<string, string | null>;
    headers: Record<string, string>;
  }
  export interface SipAor {
    name?: string;
    uri: string | SipUri;
    params: Record<string, string | null>;
  }
  export interface SipVia {
    version?: string;
    protocol?: string;
    host?: string;
    port?: number;
    params: Record<string, string | null>;
  }
  export type SipAuthHeader = Record<string, string | undefined> & { scheme?: string };
  export interface SipHeaders {
    via?: SipVia[];
    to?: SipAor;
    from?: SipAor;
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    contact?: SipAor[] | '*';
    route?: SipAor[];
    'record-route'?: SipAor[];
    'www-authenticate'?: SipAuthHeader[];
    'proxy-authenticate'?: SipAuthHeader[];
    authorization?: SipAuthHeader[];
    'proxy-authorization'?: SipAuthHeader[];
    'content-length'?: number;
    [name: string]: unknown;
  }
  export interface SipMessage {
    method?: string;
    uri?: string | SipUri;
    version?: string;
    status?: number;
    reason?: string;
    headers: SipHeaders;
    content?: string;
  }
  /** A connection the transaction layer sends through. */
  export interface SipConnection {
    send(m: SipMessage): void;
    release(): void;
    protocol: string;
  }
  export interface ServerTransaction {
    send(m: SipMessage): void;
    message(m: SipMessage, remote?: unknown): void;
    shutdown(): void;
  }
  export interface ClientTransaction {
    message(m: SipMessage, remote?: unknown): void;
    shutdown(): void;
  }
  export interface TransactionLayer {
    createServerTransaction(rq: SipMessage, cn: SipConnection): ServerTransaction;
    createClientTransaction(cn: SipConnection, rq: SipMessage, callback: (rs: SipMessage) => void): ClientTransaction;
    getServer(m: SipMessage): ServerTransaction | undefined;
    getClient(m: SipMessage): ClientTransaction | undefined;
    destroy(): void;
  }
  export function parse(data: string | Buffer): SipMessage | undefined;
  export function stringify(m: SipMessage): string;
  export function makeResponse(
    rq: SipMessage,
    status: number,
    reason?: string,
    extension?: { headers?: Partial<SipHeaders>; content?: string },
  ): SipMessage;
  export function parseUri(s: string | SipUri): SipUri | undefined;
  export function stringifyUri(uri: string | SipUri): string;
  export function generateBranch(): string;
  export function makeTransactionLayer(
    options: Record<string, unknown>,
    open: (target: unknown, onError?: (err: Error) => void) => SipConnection,
  ): TransactionLayer;
  export function makeStreamParser(onMessage: (m: SipMessage) => void, onFlood?: () => void): (data: string) => void;
}

declare module 'sip/digest' {
  import type { SipMessage } from 'sip';
  export interface DigestContext {
    [key: string]: unknown;
  }
  export interface DigestCredentials {
    user: string;
    password: string;
    realm?: string;
  }
  /** Adds an Authorization (or Proxy-Authorization on 407) header answering the challenge in `rs`. */
  export function signRequest(
    ctx: DigestContext | null,
    rq: SipMessage,
    rs?: SipMessage,
    creds?: DigestCredentials,
  ): DigestContext | null;
  export function challenge(ctx: DigestContext, rs: SipMessage): SipMessage;
  export function authenticateRequest(ctx: DigestContext, rq: SipMessage, creds: { user: string; password: string }): boolean;
  export function calculateDigest(ctx: Record<string, unknown>): string;
  export function kd(...parts: string[]): string;
}
