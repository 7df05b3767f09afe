import * as sip from 'sip';
import type { SipAor, SipMessage } from 'sip';
import * as digest from 'sip/digest';
import { TransportFault } from '../../../../harness/types.ts';
import { deadline } from '../../../../harness/util/deadline.ts';
import type { SipTransportConfig } from './config.ts';
import { newCallId, newTag } from '../../../../lib/telephony/sip/dialog.ts';
import { resolveUri } from './resolve.ts';
import { connectEndpoint, type SipEndpoint } from '../../../../lib/telephony/sip/endpoint.ts';
import { faultForStatus, unreachable } from './faults.ts';

// Optional REGISTER before calling, for platforms that only accept calls from
// registered users: authenticated like INVITE, refreshed before it expires,
// removed (Expires: 0) when the transport is disposed.

const REGISTER_TIMEOUT_MS = 10000;

export interface Registration {
  stop(): Promise<void>;
}

export async function register(cfg: SipTransportConfig, log: (m: string) => void): Promise<Registration> {
  const reg = cfg.register!;
  const hop = await resolveUri(reg.registrar, cfg.transport);
  const ep: SipEndpoint = await connectEndpoint(hop.protocol, cfg.localAddress, hop);
  const registrarHost = sip.parseUri(reg.registrar)!.host;
  const aor = cfg.from ?? `sip:${cfg.auth?.username ?? 'harness'}@${registrarHost}`;
  const callId = newCallId(cfg.localAddress);
  const from: SipAor = { uri: aor, params: { tag: newTag() } };
  const transportParam = ep.local.protocol === 'TCP' ? ';transport=tcp' : '';
  const contactUri = `sip:harness@${ep.local.address}:${ep.local.port}${transportParam}`;
  let cseq = 0;
  let refresh: NodeJS.Timeout | undefined;
  const authCtx: digest.DigestContext = {};

  /** One REGISTER exchange; resolves with the expiry the registrar granted. */
  const once = (expires: number): Promise<number> =>
    new Promise((resolve, reject) => {
      let rounds = 0;
      const timer = deadline(REGISTER_TIMEOUT_MS, () => reject(unreachable(reg.registrar, `did not answer REGISTER within ${REGISTER_TIMEOUT_MS} ms`)));
      const make = (): SipMessage => ({
        method: 'REGISTER',
        uri: reg.registrar,
        headers: {
          to: { uri: aor, params: {} },
          from,
          'call-id': callId,
          cseq: { seq: ++cseq, method: 'REGISTER' },
          contact: [{ uri: contactUri, params: { expires: String(expires) } }],
          expires: String(expires),
          'max-forwards': 70,
          'user-agent': 'harness',
        },
      });
      const send = (rq: SipMessage) =>
        ep.request(rq, (rs) => {
          const status = rs.status ?? 0;
          if (status < 200) return;
          if (rs.headers.via === rq.headers.via) {
            timer.clear();
            return reject(unreachable(reg.registrar, `did not answer REGISTER (${status})`));
          }
          if ((status === 401 || status === 407) && cfg.auth && rounds < 2) {
            rounds++;
            const next = make();
            digest.signRequest(authCtx, next, rs, { user: cfg.auth.username, password: cfg.auth.password, realm: cfg.auth.realm });
            return send(next);
          }
          timer.clear();
          if (status >= 300) return reject(faultForStatus(status, rs.reason ?? '', reg.registrar));
          const granted = Number(rs.headers.expires ?? expires);
          resolve(Number.isFinite(granted) && granted > 0 ? granted : expires);
        });
      ep.onFailure((err) => {
        timer.clear();
        reject(unreachable(reg.registrar, `(${(err as NodeJS.ErrnoException).code ?? err.message})`, err));
      });
      const first = make();
      // Refreshes and the final un-REGISTER reuse the nonce (nc counts up); a stale one is simply challenged again.
      if (cfg.auth && authCtx.nonce) digest.signRequest(authCtx, first);
      send(first);
    });

  const schedule = (granted: number) => {
    refresh = setTimeout(() => {
      once(reg.expires).then(schedule, (err: Error) => log(`SIP REGISTER refresh failed: ${err.message}`));
    }, Math.max(5, granted * 0.8) * 1000);
    refresh.unref();
  };

  try {
    schedule(await once(reg.expires));
    log(`SIP registered ${aor} at ${reg.registrar}`);
  } catch (err) {
    await ep.close();
    throw err instanceof TransportFault ? err : new TransportFault('protocol', String(err), { cause: err });
  }
  return {
    async stop() {
      clearTimeout(refresh);
      await once(0).catch(() => {});
      await ep.close();
    },
  };
}
