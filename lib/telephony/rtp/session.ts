import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeDtmfEvent, decodeRtp, dtmfDigit, dtmfEventCode, encodeDtmfEvent, encodeRtp, type RtpPacket } from './packet.ts';
import { ReorderBuffer } from './reorder.ts';
import { decodeG711, encodeG711, silenceByte } from '../audio/g711.ts';
import { FrameFanout } from '../audio/frame-fanout.ts';
import type { Negotiated } from './sdp.ts';

// One RTP stream of a call: a 20-ms clock that sends exactly one packet per
// tick (queued speech, a DTMF event, or G.711 silence, as phones do), and a
// receiver that reorders, decodes and hands out 160-sample frames.

const FRAME = 160;
const TICK_MS = 20;
/** RFC 4733 event: 100 ms of tone, then the E packet three times, then 60 ms apart. */
const DTMF_TONE_TICKS = 5;
const DTMF_GAP_TICKS = 3;
/** Longest timestamp gap filled with silence (a pause of the far end, not a restart). */
const MAX_FILL_FRAMES = 500;
/**
 * Packets that arrive before the answer that says which codec they are in
 * (start()) are kept, up to 5 s: a far end starts its greeting the moment it
 * answers. Frames decoded before anyone listens wait in a FrameFanout.
 */
const EARLY_PACKETS = 250;

type Job =
  | { kind: 'audio'; frames: Uint8Array[]; next: number; done: () => void; fail: (err: unknown) => void }
  | { kind: 'dtmf'; events: number[]; step: number; startTs: number; done: () => void; fail: (err: unknown) => void };

export class RtpSession {
  private readonly socket: dgram.Socket;
  private neg: Negotiated | undefined;
  private readonly ssrc = randomInt(0, 2 ** 32);
  private seq = randomInt(0, 0x10000);
  private readonly ts0 = randomInt(0, 2 ** 32);
  private ticks = 0;
  private t0 = 0;
  private timer: NodeJS.Timeout | undefined;
  private first = true;
  private readonly jobs: Job[] = [];
  private readonly audio = new FrameFanout(EARLY_PACKETS);
  private readonly dtmfListeners = new Set<(digit: string) => void>();
  private readonly reorder = new ReorderBuffer((p) => this.onOrdered(p));
  private nextTs: number | undefined;
  /** Packets received before start() (see EARLY_PACKETS). */
  private early: RtpPacket[] = [];
  private partial: Int16Array = new Int16Array(0);
  private lastDtmfTs: number | undefined;
  private closed = false;
  private closeReason: unknown;
  /** performance.now() of the last RTP packet received (or of start()). */
  lastReceivedAt = 0;
  packetsReceived = 0;
  packetsSent = 0;

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
    socket.on('message', (msg) => this.onDatagram(msg));
    socket.on('error', () => {}); // ICMP errors for a peer gone away: the silence timeout tells
  }

  /** Binds the RTP socket first: its port goes into the SDP before the codec is known. */
  static open(localAddress: string): Promise<RtpSession> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(localAddress.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', reject);
      socket.bind(0, localAddress, () => {
        socket.off('error', reject);
        resolve(new RtpSession(socket));
      });
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** For the call log: what went over the wire. */
  stats(): string {
    return `RTP sent ${this.packetsSent}, received ${this.packetsReceived}, lost ${this.reorder.lost}, late ${this.reorder.late}`;
  }

  get codec(): Negotiated['codec'] | undefined {
    return this.neg?.codec;
  }

  /** Starts the send clock towards the negotiated peer. */
  start(neg: Negotiated): void {
    this.neg = neg;
    this.t0 = performance.now();
    this.lastReceivedAt = this.t0;
    const early = this.early;
    this.early = [];
    for (const p of early) this.received(p);
    this.tick();
  }

  /** Resolves after the last frame went out; rejects with the signal's reason, or the close reason. */
  play(pcm: Int16Array, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closed) return Promise.reject(this.closeReason ?? new Error('the call has ended'));
    if (!this.neg) return Promise.reject(new Error('RTP has not started'));
    const frames: Uint8Array[] = [];
    for (let i = 0; i < pcm.length; i += FRAME) {
      const frame = new Int16Array(FRAME);
      frame.set(pcm.subarray(i, Math.min(i + FRAME, pcm.length)));
      frames.push(encodeG711(this.neg.codec, frame));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => this.drop(job, signal!.reason);
      const job: Job = {
        kind: 'audio',
        frames,
        next: 0,
        done: () => (signal?.removeEventListener('abort', onAbort), resolve()),
        fail: (err) => (signal?.removeEventListener('abort', onAbort), reject(err)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.jobs.push(job);
    });
  }

  /** RFC 4733 events on the negotiated telephone-event payload type. */
  sendDtmf(digits: string): Promise<void> {
    if (this.closed) return Promise.reject(this.closeReason ?? new Error('the call has ended'));
    if (!this.neg) return Promise.reject(new Error('RTP has not started'));
    if (!digits) return Promise.resolve();
    if (this.neg.dtmfPayloadType === undefined) {
      return Promise.reject(new Error('the far end did not accept telephone-event in SDP: cannot send RFC 4733 DTMF'));
    }
    const events = [...digits].map(dtmfEventCode);
    return new Promise((resolve, reject) =>
      this.jobs.push({ kind: 'dtmf', events, step: 0, startTs: 0, done: resolve, fail: reject }),
    );
  }

  /** Every decoded frame from now on; the first listener also gets the frames that came before it. */
  onAudio(listener: (frame: Int16Array) => void): () => void {
    return this.audio.subscribe(listener);
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  /** Stops the stream; speech still queued settles with `reason` (rejects) or resolves when none is given. */
  close(reason?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    clearTimeout(this.timer);
    for (const job of this.jobs.splice(0)) {
      if (reason === undefined) job.done();
      else job.fail(reason);
    }
    this.socket.close();
  }

  private drop(job: Job, reason: unknown): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
    job.fail(reason);
  }

  private tick = (): void => {
    if (this.closed) return;
    const due = Math.floor((performance.now() - this.t0) / TICK_MS) + 1;
    // After a long stall (a loaded or suspended process) with nothing queued,
    // jump the clock (the far end hears a pause, as it happened); with speech
    // queued, send the backlog at once instead, so no pause lands inside it.
    if (due - this.ticks > 50 && this.jobs.length === 0) this.ticks = due - 1;
    while (this.ticks < due) this.sendTick();
    this.timer = setTimeout(this.tick, Math.max(0, this.t0 + this.ticks * TICK_MS - performance.now()));
  };

  private sendTick(): void {
    const neg = this.neg!;
    const ts = (this.ts0 + this.ticks * FRAME) >>> 0;
    this.ticks++;
    const job = this.jobs[0];
    if (job?.kind === 'dtmf') {
      this.dtmfStep(job, ts);
      return;
    }
    let payload: Uint8Array;
    if (job?.kind === 'audio') {
      payload = job.frames[job.next++];
      if (job.next >= job.frames.length) {
        this.jobs.shift();
        job.done();
      }
    } else {
      payload = new Uint8Array(FRAME).fill(silenceByte(neg.codec));
    }
    this.send({ payloadType: neg.payloadType, marker: this.first, sequence: this.seq, timestamp: ts, ssrc: this.ssrc, payload });
  }

  private dtmfStep(job: Extract<Job, { kind: 'dtmf' }>, ts: number): void {
    const neg = this.neg!;
    const perEvent = DTMF_TONE_TICKS + 2 + DTMF_GAP_TICKS; // tone, E ×3 (last tone tick + 2), gap
    const event = job.events[Math.floor(job.step / perEvent)];
    const k = job.step % perEvent;
    job.step++;
    if (k === 0) job.startTs = ts;
    if (k < DTMF_TONE_TICKS + 2) {
      const end = k >= DTMF_TONE_TICKS - 1;
      const duration = FRAME * Math.min(k + 1, DTMF_TONE_TICKS);
      const payload = encodeDtmfEvent({ event, end, volume: 10, duration });
      this.send({ payloadType: neg.dtmfPayloadType!, marker: k === 0, sequence: this.seq, timestamp: job.startTs, ssrc: this.ssrc, payload });
    } else {
      const payload = new Uint8Array(FRAME).fill(silenceByte(neg.codec));
      this.send({ payloadType: neg.payloadType, marker: false, sequence: this.seq, timestamp: ts, ssrc: this.ssrc, payload });
    }
    if (job.step >= job.events.length * perEvent) {
      this.jobs.shift();
      job.done();
    }
  }

  private send(p: RtpPacket): void {
    this.first = false;
    this.packetsSent++;
    this.seq = (this.seq + 1) & 0xffff;
    this.socket.send(encodeRtp(p), this.neg!.remote.port, this.neg!.remote.address);
  }

  private onDatagram(msg: Buffer): void {
    const p = decodeRtp(msg);
    if (!p || this.closed) return;
    if (!this.neg) {
      if (this.early.length < EARLY_PACKETS) this.early.push(p);
      return;
    }
    this.received(p);
  }

  private received(p: RtpPacket): void {
    this.lastReceivedAt = performance.now();
    this.packetsReceived++;
    this.reorder.push(p);
  }

  private onOrdered(p: RtpPacket): void {
    const neg = this.neg!;
    if (p.payloadType === neg.dtmfPayloadType) {
      const e = decodeDtmfEvent(p.payload);
      if (e && p.timestamp !== this.lastDtmfTs) {
        this.lastDtmfTs = p.timestamp; // one digit per event, however many packets carry it
        const digit = dtmfDigit(e.event);
        if (digit) for (const l of this.dtmfListeners) l(digit);
      }
      return;
    }
    if (p.payloadType !== neg.payloadType && p.payloadType !== 0 && p.payloadType !== 8) return; // comfort noise etc.
    const codec = p.payloadType === 0 ? 'PCMU' : p.payloadType === 8 ? 'PCMA' : neg.codec;
    if (this.nextTs !== undefined) {
      const gap = Math.floor(((p.timestamp - this.nextTs) >>> 0) / FRAME);
      if (gap > 0 && gap <= MAX_FILL_FRAMES) {
        for (let i = 0; i < gap; i++) this.emit(new Int16Array(FRAME));
      }
    }
    this.nextTs = (p.timestamp + p.payload.length) >>> 0;
    this.emit(decodeG711(codec, p.payload));
  }

  /** Splits decoded audio of any packet size into 160-sample frames. */
  private emit(samples: Int16Array): void {
    let buf = samples;
    if (this.partial.length) {
      buf = new Int16Array(this.partial.length + samples.length);
      buf.set(this.partial);
      buf.set(samples, this.partial.length);
    }
    let i = 0;
    for (; i + FRAME <= buf.length; i += FRAME) {
      this.audio.emit(buf.slice(i, i + FRAME));
    }
    this.partial = buf.slice(i);
  }
}
