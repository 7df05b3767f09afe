import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { TransportFault } from '../../../harness/types.ts';
import { rms, toFrames } from '../../../lib/telephony/audio/frames.ts';
import { decodeG711, encodeG711, type G711Codec } from '../../../lib/telephony/audio/g711.ts';
import { resample } from '../../../lib/telephony/audio/resample.ts';
import { readWav } from '../../../lib/telephony/audio/wav.ts';
import { websocketTransport } from '../../../adapters/hotline/transport/websocket.ts';
import { websocketTransportConfigSchema } from '../../../adapters/hotline/transport/websocket-config.ts';
import type { Call } from '../../../adapters/hotline/transport/types.ts';
import { createHotlineServer, type HotlineServer } from '../../../banks/demo/hotline/ws.ts';
import type { MediaLeg } from '../../../banks/demo/hotline/leg.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const espeak = (text: string) => {
  const wav = readWav(execFileSync('espeak-ng', ['-v', 'cmn', '-s', '220', '--stdout', text]));
  return resample(wav.samples, wav.sampleRate, 8000);
};
const dialOpts = () => ({ conversationId: 'demo/hotline/t#0.0', signal: new AbortController().signal, log: () => {} });
const transportFor = (url: string, codec: G711Codec = 'PCMU') => {
  const t = websocketTransport(websocketTransportConfigSchema.parse({ type: 'websocket', url, codec }));
  cleanups.push(() => t.dispose());
  return t;
};

/** Index where `expected` frames appear, in order and sample-exact, inside `got`, or -1. */
function findFrames(got: Int16Array[], expected: Int16Array[]): number {
  const j = expected.findIndex((f) => f.some((s) => s !== 0));
  for (let i = j; i < got.length; i++) {
    const start = i - j;
    if (start + expected.length > got.length) return -1;
    if (expected.every((f, k) => f.every((s, n) => got[start + k][n] === s))) return start;
  }
  return -1;
}

describe('audio over the WebSocket media stream', () => {
  for (const codec of ['PCMU', 'PCMA'] as const) {
    it(`carries espeak-ng Mandarin both ways frame by frame (${codec})`, async () => {
      const speech = espeak('您好，我想查询一下银行卡余额');
      const onLine = toFrames(speech).map((f) => decodeG711(codec, encodeG711(codec, f)));
      const heardByBot: Int16Array[] = [];
      let botDone!: Promise<void>;
      const server: HotlineServer = await createHotlineServer(async (leg: MediaLeg) => {
        leg.onAudio((f) => heardByBot.push(f));
        botDone = (async () => {
          await new Promise((r) => setTimeout(r, 200));
          await leg.play(speech);
        })();
        await leg.ended;
      });
      cleanups.push(() => server.close());
      const call: Call = await transportFor(server.url, codec).dial(dialOpts());
      const heardByCaller: Int16Array[] = [];
      call.onAudio((f) => heardByCaller.push(f));
      expect(call.info.codec).toBe(codec);
      await call.play(speech);
      await botDone;
      await new Promise((r) => setTimeout(r, 150)); // the caller's jitter buffer plays out
      await call.hangup();
      expect(await call.ended).toEqual({ by: 'local', reason: 'hangup' });

      expect(server.stats.framesIn).toBeGreaterThanOrEqual(onLine.length);
      expect(findFrames(heardByBot, onLine)).toBeGreaterThanOrEqual(0);
      expect(rms(Int16Array.from(heardByBot.flatMap((f) => [...f])))).toBeGreaterThan(0.01);
      expect(findFrames(heardByCaller, onLine)).toBeGreaterThanOrEqual(0);
    });
  }
});

/** A bare Media-Streams bot written against the protocol, to see the harness's messages. */
async function rawBot(onConnection: (ws: WebSocket, messages: any[]) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/media' });
  await new Promise((r) => wss.once('listening', r));
  const messages: any[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    onConnection(ws, messages);
  });
  cleanups.push(() => new Promise<void>((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(() => r()))));
  return { url: `ws://127.0.0.1:${(wss.address() as any).port}/media`, messages };
}

describe('Media-Streams protocol as the platform', () => {
  it('announces the call, streams 20-ms μ-law frames continuously, sends DTMF and stop', async () => {
    const bot = await rawBot(() => {});
    const call = await transportFor(bot.url).dial(dialOpts());
    await call.sendDtmf('1#');
    await new Promise((r) => setTimeout(r, 200));
    await call.hangup();
    const [connected, start] = bot.messages;
    expect(connected).toMatchObject({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toMatchObject({ event: 'start', start: { tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, customParameters: { conversationId: 'demo/hotline/t#0.0' } } });
    expect(start.streamSid).toBe(start.start.streamSid);
    const media = bot.messages.filter((m) => m.event === 'media');
    expect(media.length).toBeGreaterThanOrEqual(8); // silence keeps flowing while the caller is quiet
    for (const m of media) expect(Buffer.from(m.media.payload, 'base64')).toHaveLength(160);
    expect(bot.messages.filter((m) => m.event === 'dtmf').map((m) => m.dtmf.digit)).toEqual(['1', '#']);
    expect(bot.messages.at(-1).event).toBe('stop');
    const seq = bot.messages.map((m) => Number(m.sequenceNumber));
    expect(seq).toEqual(seq.map((_, i) => i + 1));
  });

  it("acknowledges the bot's mark once the audio before it has played, and clear drops queued audio", async () => {
    const tone = Int16Array.from({ length: 1600 }, (_, i) => Math.round(9000 * Math.sin(i / 3)));
    let sentAt = 0;
    let markAt = 0;
    const bot = await rawBot((ws) => {
      ws.once('message', () => {
        const payload = Buffer.from(encodeG711('PCMU', tone)).toString('base64');
        sentAt = performance.now();
        ws.send(JSON.stringify({ event: 'media', streamSid: 's', media: { payload } }));
        ws.send(JSON.stringify({ event: 'mark', streamSid: 's', mark: { name: 'first' } }));
        ws.send(JSON.stringify({ event: 'media', streamSid: 's', media: { payload } }));
        ws.send(JSON.stringify({ event: 'media', streamSid: 's', media: { payload } }));
        ws.on('message', (d) => {
          if (JSON.parse(d.toString()).event !== 'mark') return;
          markAt = performance.now();
          ws.send(JSON.stringify({ event: 'clear', streamSid: 's' })); // barge-in: drop the rest
        });
      });
    });
    const call = await transportFor(bot.url).dial(dialOpts());
    let voiced = 0;
    call.onAudio((f) => (voiced += f.some((s) => s !== 0) ? 1 : 0));
    await new Promise((r) => setTimeout(r, 1000));
    await call.hangup();
    expect(bot.messages.find((m) => m.event === 'mark')).toMatchObject({ mark: { name: 'first' } });
    // The 10 frames before the mark play in real time (≈200 ms) before it is acknowledged…
    expect(markAt - sentAt).toBeGreaterThan(140);
    expect(voiced).toBeGreaterThanOrEqual(10);
    // …and the clear cuts the 20 frames queued after it short.
    expect(voiced).toBeLessThan(22);
  });

  it('reports a refused connection as TransportFault refused', async () => {
    const port = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as any).port;
        s.close(() => r(p));
      });
    });
    const err = await transportFor(`ws://127.0.0.1:${port}/media`).dial(dialOpts()).catch((e) => e);
    expect(err).toBeInstanceOf(TransportFault);
    expect(err.kind).toBe('refused');
  });

  it('reports an upgrade the server refuses (wrong path: HTTP 400) as a protocol fault naming the status', async () => {
    const bot = await rawBot(() => {});
    const err = await transportFor(bot.url.replace('/media', '/nope')).dial(dialOpts()).catch((e) => e);
    expect(err).toMatchObject({ kind: 'protocol' });
    expect(err.message).toMatch(/HTTP 400/);
  });

  it('ends the call as dropped when the socket dies mid-call, and playing then fails as dropped', async () => {
    const bot = await rawBot((ws) => setTimeout(() => ws.terminate(), 100));
    const call = await transportFor(bot.url).dial(dialOpts());
    const playing = call.play(new Int16Array(8000).fill(3000));
    const end = await call.ended;
    expect(end.by).toBe('remote');
    expect(end.reason).toMatch(/dropped/);
    await expect(playing).rejects.toMatchObject({ kind: 'dropped' });
  });
});
