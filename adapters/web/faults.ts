import { TransportFault, type TransportFaultKind } from '../../harness/types.ts';

// Browser errors → transport faults. The page is the session: after any of
// these its state is unknown, so the runner restarts the conversation in a
// fresh page (sessionBroken). A wrong or missing answer never comes through
// here: that is an empty reply, graded.

const byMessage: [RegExp, TransportFaultKind][] = [
  [/net::ERR_CONNECTION_REFUSED/, 'refused'],
  [/net::ERR_(NAME_NOT_RESOLVED|ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED|NAME_RESOLUTION_FAILED)/, 'unreachable'],
  [/net::ERR_(CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|CONNECTION_ABORTED)/, 'dropped'],
  [/net::ERR_TIMED_OUT|net::ERR_CONNECTION_TIMED_OUT/, 'timeout'],
  [/Target crashed|Page crashed|crash/i, 'crashed'],
  [/(Target page, context or browser has been closed|Browser has been closed|browser has disconnected|Target closed)/i, 'crashed'],
  [/Execution context was destroyed|frame was detached|Frame was detached/i, 'crashed'],
];

export function toFault(err: unknown, doing: string, crashed = false): TransportFault {
  if (err instanceof TransportFault) return err;
  const e = err as Error;
  const message = (e?.message ?? String(err)).split('\n')[0];
  const opts = { cause: err, sessionBroken: true };
  if (crashed) return new TransportFault('crashed', `the page crashed while ${doing}`, opts);
  if (e?.name === 'TimeoutError') return new TransportFault('timeout', `${doing}: ${message}`, opts);
  for (const [re, kind] of byMessage) if (re.test(message)) return new TransportFault(kind, `${doing}: ${message}`, opts);
  return new TransportFault('crashed', `${doing}: ${message}`, opts);
}
