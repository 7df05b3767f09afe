import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDtmfEvent, decodeRtp, type RtpPacket } from '../lib/telephony/rtp/packet.ts';
import { sipTransport } from '../adapters/hotline/transport/sip/index.ts';
import { answerSdp, startResponder, type Responder } from './fixtures/sipp/responder.ts';

// What the harness puts on the wire, captured on a plain UDP socket: one
// packet per 20 ms with consecutive sequence numbers and +160 timestamps, the
// payload type the answer chose, and RFC 4733 events shaped as the RFC says.

let capture: dgram.Socket;
let responder: Responder;
const packets: Array<{ p: RtpPacket; at: number }> = [];

beforeAll(async () => {
  capture = dgram.createSocket('udp4');
  await new Promise<void>((r) => capture.bind(0, '127.0.0.1', () => r()));
  capture.on('message', (buf) => {
    const p = decodeRtp(buf);
    if (p) packets.push({ p, at: performance.now() });
  });
  const rtpPort = capture.address().port;
  // The far end prefers PCMA and puts telephone-event on 96, not our 101.
  responder = await startResponder(() => ({ status: 200, reason: 'OK', sdp: answerSdp(rtpPort) }));
});

afterAll(async () => {
  await responder.close();
  await new Promise<void>((r) => capture.close(() => r()));
});

describe('the RTP the harness sends', () => {
  it('is paced, numbered and timestamped per 20-ms frame, with RFC 4733 DTMF on the negotiated payload type', async () => {
    const transport = sipTransport({ type: 'sip', uri: responder.uri } as never);
    const call = await transport.dial({ conversationId: 'packets', signal: new AbortController().signal, log: () => {} });
    expect(call.info.codec).toBe('PCMA');
    const tone = Int16Array.from({ length: 8000 / 2 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    await call.play(tone);
    await call.sendDtmf('5#');
    await call.play(tone.subarray(0, 800));
    await call.hangup();
    await transport.dispose();

    const ps = packets.map((x) => x.p);
    expect(ps.length).toBeGreaterThan(40);
    expect(ps[0].marker).toBe(true);
    expect(new Set(ps.map((p) => p.ssrc)).size).toBe(1);
    for (let i = 1; i < ps.length; i++) expect(ps[i].sequence, `packet ${i}`).toBe((ps[i - 1].sequence + 1) & 0xffff);

    const audio = ps.filter((p) => p.payloadType !== 96);
    expect(new Set(audio.map((p) => p.payloadType))).toEqual(new Set([8]));
    expect(audio.every((p) => p.payload.length === 160)).toBe(true);
    // Audio timestamps run on the sample clock: +160 per packet slot, DTMF slots included.
    for (let i = 1; i < ps.length; i++) {
      if (ps[i].payloadType === 96 || ps[i - 1].payloadType === 96) continue;
      expect((ps[i].timestamp - ps[i - 1].timestamp) >>> 0, `packet ${i}`).toBe(160);
    }

    const dtmf = ps.filter((p) => p.payloadType === 96);
    const byEvent = new Map<number, RtpPacket[]>();
    for (const p of dtmf) byEvent.set(p.timestamp, [...(byEvent.get(p.timestamp) ?? []), p]);
    expect([...byEvent.values()].map((g) => decodeDtmfEvent(g[0].payload)!.event)).toEqual([5, 11]);
    for (const group of byEvent.values()) {
      const events = group.map((p) => decodeDtmfEvent(p.payload)!);
      expect(group[0].marker).toBe(true);
      expect(group.slice(1).every((p) => !p.marker)).toBe(true);
      const ends = events.filter((e) => e.end);
      expect(ends).toHaveLength(3);
      expect(events.slice(-3).every((e) => e.end)).toBe(true);
      expect(new Set(ends.map((e) => e.duration)).size).toBe(1);
      for (let i = 1; i < events.length; i++) expect(events[i].duration).toBeGreaterThanOrEqual(events[i - 1].duration);
      expect(ends[0].duration).toBeGreaterThanOrEqual(640); // ≥ 80 ms of tone
      // The next audio packet is back on the clock: start + 160 per slot since.
      const lastIdx = ps.indexOf(group[group.length - 1]);
      const next = ps[lastIdx + 1];
      expect((next.timestamp - group[0].timestamp) >>> 0).toBe(160 * (lastIdx + 1 - ps.indexOf(group[0])));
    }

    // Real-time pacing (20 ms per packet) is a benchmark figure (bench/suite-figures.bench.ts):
    // arrival times on a loaded machine say more about the receiving process than the sender.
  });
});
