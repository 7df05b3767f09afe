import { TransportFault } from '../../../../harness/types.ts';

// What a final SIP response to INVITE means for a benchmark: the hotline was
// busy, nobody answered, the call was refused… each a TransportFault kind.

export function faultForStatus(status: number, reason: string, target: string): TransportFault {
  const what = `${target} answered ${status}${reason ? ` ${reason}` : ''}`;
  if (status === 486 || status === 600) return new TransportFault('busy', `busy: ${what}`);
  if (status === 480 || status === 408 || status === 487) return new TransportFault('no-answer', `no answer: ${what}`);
  if (status === 603) return new TransportFault('declined', `declined: ${what}`);
  if (status === 404 || status === 604 || status === 484) return new TransportFault('not-found', `not found: ${what}`);
  if (status === 488 || status === 606 || status === 415) return new TransportFault('protocol', `no common media: ${what}`);
  if (status === 401 || status === 407 || status === 403) {
    return new TransportFault('refused', `refused: ${what} (check the profile's auth username and password)`, { retryable: false });
  }
  if (status === 429 || status === 503) return new TransportFault(status === 429 ? 'rate-limited' : 'server-error', what);
  if (status >= 500) return new TransportFault('server-error', what);
  if (status >= 300 && status < 400) return new TransportFault('protocol', `redirects are not followed: ${what}`, { retryable: false });
  return new TransportFault('protocol', what);
}

export function unreachable(target: string, why: string, cause?: unknown): TransportFault {
  return new TransportFault('unreachable', `unreachable: ${target} ${why}`, { cause });
}
