import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import alawmulaw from 'alawmulaw';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRtp } from '../../../lib/telephony/rtp/packet.ts';
import { RtpSession } from '../../../lib/telephony/rtp/session.ts';
import { sipTransport } from '../../../adapters/hotline/transport/sip/index.ts';
import type { Call } from '../../../adapters/hotline/transport/types.ts';
import { startSipUas, type SipUas } from '../../../banks/demo/hotline/sip.ts';
import type { MediaLeg } from '../../../banks/demo/hotline/leg.ts';
import { TransportFault } from '../../../harness/types.ts';
import { answerSdp, startResponder, type Responder } from '../../fixtures/sipp/responder.ts';

// A whole call between the harness's SIP transport and the demo SIP hotline,
// and the ways a call fails or ends that a benchmark must tell apart.

const { mulaw, alaw } = alawmulaw;
const signal = new AbortController().signal;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const flat = (frames: Int16Array[]) => {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => out.set(f, i * 160));
  return out;
};
const indexOf = (hay: Int16Array, needle: Int16Array) => {
  outer: for (let s = 0; s + needle.length <= hay.length; s++) {
    for (let i = 0; i < needle.length; i++) if (hay[s + i] !== needle[i]) continue outer;
    return s;
  }
  return -1;
};

async function dial(config: Record<string, unknown>): Promise<Call> {
  const transport = sipTransport({ type: 'sip', ...config } as never);
  cleanups.push(() => transport.dispose());
  return transport.dial({ conversationId: 'call', signal, log: () => {} });
}

describe('a call to the demo SIP hotline', () => {
  for (const codec of ['PCMU', 'PCMA'] as const) {
    it(`carries ${codec} audio byte-exactly both ways and delivers RFC 4733 digits`, async () => {
      const g711 = codec === 'PCMU' ? mulaw : alaw;
      // Every byte value, so any transcoding or dropped sample would show.
      const fromBot = g711.decode(Uint8Array.from({ length: 2560 }, (_, i) => (i * 37 + 11) & 0xff));
      const fromCaller = g711.decode(Uint8Array.from({ length: 2400 }, (_, i) => (i * 91 + 3) & 0xff));
      const heard: Int16Array[] = [];
      const digits: string[] = [];
      let leg!: MediaLeg;
      const uas: SipUas = await startSipUas({
        codecs: ['PCMU', 'PCMA'],
        handler: async (l) => {
          leg = l;
          l.onAudio((f) => heard.push(f));
          l.onDtmf((d) => digits.push(d));
          await l.play(fromBot);
          await l.ended;
        },
      });
      cleanups.push(() => uas.close());
      const call = await dial({ uri: uas.uri, codecs: [codec] });
      expect(call.info.codec).toBe(codec);
      const got: Int16Array[] = [];
      call.onAudio((f) => got.push(f));
      await new Promise((r) => setTimeout(r, 300));
      await call.play(fromCaller);
      await call.sendDtmf('1*9#');
      await new Promise((r) => setTimeout(r, 200));
      await call.hangup();
      await leg.ended;
      expect(await call.ended).toEqual({ by: 'local', reason: 'hangup' });
      expect(indexOf(flat(got), fromBot)).toBeGreaterThanOrEqual(0);
      expect(indexOf(flat(heard), fromCaller)).toBeGreaterThanOrEqual(0);
      expect(digits.join('')).toBe('1*9#');
    });
  }

  it('keeps speech whole when the process stalls for 1.5 s mid-utterance (a burst, not a pause)', async () => {
    const speech = mulaw.decode(Uint8Array.from({ length: 8000 }, (_, i) => (i * 53 + 7) & 0xff));
    const heard: Int16Array[] = [];
    const uas = await startSipUas({
      handler: async (l) => {
        l.onAudio((f) => heard.push(f));
        await l.ended;
      },
    });
    cleanups.push(() => uas.close());
    const call = await dial({ uri: uas.uri });
    const playing = call.play(speech);
    await new Promise((r) => setTimeout(r, 300));
    const until = Date.now() + 1500;
    while (Date.now() < until); // a blocked event loop, as under heavy load
    await playing;
    await new Promise((r) => setTimeout(r, 200));
    await call.hangup();
    expect(indexOf(flat(heard), speech)).toBeGreaterThanOrEqual(0);
  });

  it('ends by remote when the bot hangs up, and speech still playing fails as "dropped"', async () => {
    const uas = await startSipUas({
      handler: async (l) => {
        await new Promise((r) => setTimeout(r, 300));
        await l.hangup();
      },
    });
    cleanups.push(() => uas.close());
    const call = await dial({ uri: uas.uri });
    const playing = call.play(new Int16Array(8000 * 3));
    const end = await call.ended;
    expect(end.by).toBe('remote');
    expect(end.reason).toBe('BYE');
    await expect(playing).rejects.toMatchObject({ kind: 'dropped' });
  });
});

describe('calls that fail or break', () => {
  async function responder(answer: Parameters<typeof startResponder>[0]): Promise<Responder> {
    const r = await startResponder(answer);
    cleanups.push(() => r.close());
    return r;
  }
  async function fault(config: Record<string, unknown>): Promise<TransportFault> {
    const err = await dial(config).then(
      () => new Error('answered'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportFault);
    return err as TransportFault;
  }

  it.each([
    [603, 'declined'],
    [404, 'not-found'],
    [604, 'not-found'],
    [600, 'busy'],
    [480, 'no-answer'],
    [488, 'protocol'],
    [503, 'server-error'],
  ])('a final %i is reported as "%s"', async (status, kind) => {
    const r = await responder(() => ({ status }));
    expect((await fault({ uri: r.uri })).kind).toBe(kind);
  });

  it('answers a proxy challenge (407) with a Proxy-Authorization digest computed per RFC 2617', async () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const r = await responder((rq) => {
      if (!rq.headers['proxy-authorization']) return { status: 407, reason: 'Proxy Authentication Required', headers: { 'proxy-authenticate': 'Digest realm="sbc.example", nonce="abc123", qop="auth", algorithm=MD5' } };
      const p = (rq.headers['proxy-authorization'] as Array<Record<string, string>>)[0];
      const unq = (v: string) => v.replace(/^"|"$/g, '');
      const ha1 = md5(`alice:sbc.example:pa55`);
      const ha2 = md5(`INVITE:${unq(p.uri)}`);
      const expected = md5(`${ha1}:abc123:${p.nc}:${unq(p.cnonce)}:auth:${ha2}`);
      return { status: unq(p.response) === expected && unq(p.username) === 'alice' ? 486 : 403 };
    });
    const f = await fault({ uri: r.uri, auth: { username: 'alice', password: 'pa55' } });
    expect(f.kind).toBe('busy'); // 486 only for a correct digest
    const wrong = await fault({ uri: r.uri, auth: { username: 'alice', password: 'nope' } });
    expect(wrong.kind).toBe('refused');
  });

  it('an answer with no G.711 in its SDP is a "protocol" fault, and the call is hung up', async () => {
    const r = await responder(() => ({ status: 200, reason: 'OK', sdp: answerSdp(4000, '18', ['a=rtpmap:18 G729/8000']) }));
    const f = await fault({ uri: r.uri });
    expect(f.kind).toBe('protocol');
    expect(f.message).toMatch(/no common codec/);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.received.some((m) => m.method === 'BYE')).toBe(true);
  });

  it('a hotline that never answers the INVITE is "unreachable" after ringTimeoutMs', async () => {
    const r = await responder(() => null);
    const f = await fault({ uri: r.uri, ringTimeoutMs: 800 });
    expect(f.kind).toBe('unreachable');
    expect(r.received.filter((m) => m.method === 'INVITE').length).toBeGreaterThan(1); // retransmitted over UDP
  });

  it('a BYE from the far end mid-call ends the call by remote', async () => {
    const sink = dgram.createSocket('udp4');
    await new Promise<void>((res) => sink.bind(0, '127.0.0.1', () => res()));
    cleanups.push(() => new Promise((res) => sink.close(() => res(undefined))));
    const r = await responder(() => ({ status: 200, reason: 'OK', sdp: answerSdp(sink.address().port) }));
    const call = await dial({ uri: r.uri });
    setTimeout(() => r.bye(), 200);
    expect(await call.ended).toEqual({ by: 'remote', reason: 'BYE' });
    await new Promise((res) => setTimeout(res, 50));
    expect(r.received.some((m) => m.status === 200 && m.headers.cseq?.method === 'BYE')).toBe(true);
  });

  it('a far end that stops sending RTP mid-call counts as dropped after mediaTimeoutMs', async () => {
    const sink = dgram.createSocket('udp4'); // takes our RTP, sends none back
    await new Promise<void>((res) => sink.bind(0, '127.0.0.1', () => res()));
    cleanups.push(() => new Promise((res) => sink.close(() => res(undefined))));
    const r = await responder(() => ({ status: 200, reason: 'OK', sdp: answerSdp(sink.address().port) }));
    const call = await dial({ uri: r.uri, mediaTimeoutMs: 600 });
    const end = await call.ended;
    expect(end.by).toBe('remote');
    expect(end.reason).toMatch(/dropped: no RTP/);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.received.some((m) => m.method === 'BYE')).toBe(true);
  });
});

/** An RTP session to test and a bare UDP socket that sends to it, both closed after the test. */
async function receiverAndSender(): Promise<{ rtp: RtpSession; sender: dgram.Socket }> {
  const rtp = await RtpSession.open('127.0.0.1');
  const sender = dgram.createSocket('udp4');
  await new Promise<void>((res) => sender.bind(0, '127.0.0.1', () => res()));
  cleanups.push(async () => {
    rtp.close();
    await new Promise((res) => sender.close(() => res(undefined)));
  });
  return { rtp, sender };
}

/** Packet n's payload: a level of its own, so order and gaps show. */
const payload = (n: number) => mulaw.encode(new Int16Array(160).fill(1000 * (n + 1)));

describe('the RTP receiver', () => {
  it('puts reordered packets back in order and fills a lost packet with silence', async () => {
    const { rtp, sender } = await receiverAndSender();
    rtp.start({ codec: 'PCMU', payloadType: 0, remote: { address: '127.0.0.1', port: sender.address().port } });
    const frames: Int16Array[] = [];
    rtp.onAudio((f) => frames.push(f));
    const order = [0, 2, 1, 3, 5, 6, 7, 8, 9, 10]; // 1 arrives late, 4 never
    for (const n of order) {
      const buf = encodeRtp({ payloadType: 0, marker: n === 0, sequence: 65530 + n, timestamp: 4294967000 + n * 160, ssrc: 7, payload: payload(n) });
      sender.send(buf, rtp.port, '127.0.0.1');
      await new Promise((res) => setTimeout(res, 5));
    }
    await new Promise((res) => setTimeout(res, 100));
    const levels = frames.map((f) => Math.round(mulaw.decode(mulaw.encode(f.subarray(0, 1)))[0] / 100) * 100);
    const expected = [0, 1, 2, 3, -1, 5, 6].map((n) => (n < 0 ? 0 : Math.round(mulaw.decode(payload(n))[0] / 100) * 100));
    expect(levels.slice(0, 7)).toEqual(expected);
    expect(rtp.stats()).toMatch(/received 10, lost 1, late 0/);
  });

  it("keeps a greeting's first packets that arrive before the answer is read and before anyone listens", async () => {
    // A far end plays its greeting the moment it answers: its first RTP can
    // be read before the 200 OK that gives the codec (start), and decoded
    // before the caller's ear is on the call (onAudio).
    const { rtp, sender } = await receiverAndSender();
    const send = async (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        sender.send(encodeRtp({ payloadType: 0, marker: n === 0, sequence: 100 + n, timestamp: 8000 + n * 160, ssrc: 9, payload: payload(n) }), rtp.port, '127.0.0.1');
        await new Promise((res) => setTimeout(res, 5));
      }
    };
    await send(0, 3);
    await new Promise((res) => setTimeout(res, 50));
    rtp.start({ codec: 'PCMU', payloadType: 0, remote: { address: '127.0.0.1', port: sender.address().port } });
    await send(3, 5);
    await new Promise((res) => setTimeout(res, 50));
    const frames: Int16Array[] = [];
    rtp.onAudio((f) => frames.push(f));
    await send(5, 7);
    await new Promise((res) => setTimeout(res, 50));
    const level = (f: Int16Array) => Math.round(f[0] / 100) * 100;
    expect(frames.map(level)).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => level(mulaw.decode(payload(n)))));
    expect(rtp.stats()).toMatch(/received 7, lost 0, late 0/);
  });
});
