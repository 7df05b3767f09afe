import { RtpSession } from '../../../../lib/telephony/rtp/session.ts';
import type { Call, DialOptions, Transport } from '../types.ts';
import { sipTransportConfigSchema, type SipTransportConfig } from './config.ts';
import { resolveUri } from './resolve.ts';
import { connectEndpoint } from '../../../../lib/telephony/sip/endpoint.ts';
import { invite } from './invite.ts';
import { startCall } from './call.ts';
import { register, type Registration } from './register.ts';
import { unreachable } from './faults.ts';

// The hotline transport over SIP/RTP: the harness is a SIP user agent that
// dials the hotline (INVITE with a G.711 + telephone-event offer), talks RTP
// and sends RFC 4733 DTMF. Each call has its own SIP and RTP sockets.

export { sipTransportConfigSchema, type SipTransportConfig };

export interface SipTransportEnv {
  log?(message: string): void;
}

export function sipTransport(config: SipTransportConfig, env: SipTransportEnv = {}): Transport {
  const cfg = sipTransportConfigSchema.parse(config);
  const calls = new Set<Call>();
  let registration: Promise<Registration> | undefined;

  return {
    async dial(options: DialOptions): Promise<Call> {
      const log = (m: string) => (options.log ?? env.log)?.(m);
      if (cfg.register) {
        registration ??= register(cfg, log);
        try {
          await registration;
        } catch (err) {
          registration = undefined; // try again on the next call
          throw err;
        }
      }
      const hop = await resolveUri(cfg.uri, cfg.transport);
      const rtp = await RtpSession.open(cfg.localAddress);
      let ep;
      try {
        ep = await connectEndpoint(hop.protocol, cfg.localAddress, hop);
      } catch (err) {
        rtp.close();
        throw unreachable(cfg.uri, `(${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
      }
      try {
        const est = await invite({ cfg, ep, rtpPort: rtp.port, signal: options.signal, log });
        const call = startCall(ep, rtp, est, cfg, log);
        calls.add(call);
        void call.ended.then(() => calls.delete(call));
        return call;
      } catch (err) {
        rtp.close();
        await ep.close();
        throw err;
      }
    },
    async dispose() {
      await Promise.allSettled([...calls].map((c) => c.hangup()));
      const reg = registration;
      registration = undefined;
      if (reg) await reg.then((r) => r.stop(), () => {});
    },
  };
}
