import { TransportFault } from '../types.ts';

export interface RetryPolicy {
  max: number;
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with full jitter; a Retry-After from the bot wins when longer. */
export function backoffMs(policy: RetryPolicy, attempt: number, fault: unknown, random = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  const retryAfter = fault instanceof TransportFault ? fault.opts.retryAfterMs : undefined;
  return Math.round(retryAfter !== undefined ? Math.max(retryAfter, jittered) : jittered);
}

export function isRetryable(err: unknown): boolean {
  return err instanceof TransportFault && err.retryable;
}
