import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { paceFrames, toFrames } from '../../../lib/telephony/audio/frames.ts';
import { decodeG711, encodeG711, type G711Codec } from '../../../lib/telephony/audio/g711.ts';
import type { Brain } from '../brain/types.ts';
import type { DemoOptions, DemoPart } from '../part.ts';
import { createCallHandler } from './bot.ts';
import type { CallHandler, MediaLeg } from './leg.ts';

// The demo hotline as a voice-bot WebSocket server speaking the
// Twilio-Media-Streams protocol from the bot's side: it waits for `start`,
// hears `media` and `dtmf`, answers with paced `media`, and hangs up by
// closing the socket.

export interface HotlineServer {
  url: string;
  /** Calls handled so far and media frames received, for tests. */
  stats: { calls: number; framesIn: number; framesOut: number; dtmf: string[] };
  close(): Promise<void>;
}

export async function createHotlineServer(handler: CallHandler, log: (m: string) => void = () => {}): Promise<HotlineServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/media' });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const stats = { calls: 0, framesIn: 0, framesOut: 0, dtmf: [] as string[] };
  const running = new Set<Promise<void>>();

  wss.on('connection', (ws: WebSocket) => {
    const audio = new Set<(f: Int16Array) => void>();
    const dtmf = new Set<(d: string) => void>();
    let codec: G711Codec = 'PCMU';
    let streamSid = '';
    let started = false;
    let resolveEnded!: () => void;
    const ended = new Promise<void>((r) => (resolveEnded = r));
    const startTimer = setTimeout(() => ws.close(1008, 'no start event'), 5000);
    ws.on('close', () => {
      clearTimeout(startTimer);
      resolveEnded();
    });
    ws.on('error', (err) => log(`hotline socket: ${err.message}`));

    const leg: MediaLeg = {
      ended,
      onAudio: (l) => (audio.add(l), () => audio.delete(l)),
      onDtmf: (l) => (dtmf.add(l), () => dtmf.delete(l)),
      async play(pcm, signal) {
        await paceFrames(
          toFrames(pcm),
          (frame) => {
            if (ws.readyState !== ws.OPEN) throw new Error('call ended');
            stats.framesOut++;
            ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: Buffer.from(encodeG711(codec, frame)).toString('base64') } }));
          },
          signal,
        );
      },
      async hangup() {
        if (ws.readyState === ws.OPEN) ws.close(1000, 'hangup');
        await ended;
      },
    };

    ws.on('message', (data) => {
      let msg: any;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return log('hotline: a message that is not JSON');
      }
      if (msg.event === 'start' && !started) {
        started = true;
        clearTimeout(startTimer);
        streamSid = msg.start?.streamSid ?? msg.streamSid ?? '';
        codec = msg.start?.mediaFormat?.encoding === 'audio/x-alaw' ? 'PCMA' : 'PCMU';
        stats.calls++;
        const run = handler(leg)
          .catch((err) => log(`hotline call failed: ${(err as Error).message}`))
          .finally(() => {
            running.delete(run);
            if (ws.readyState === ws.OPEN) ws.close(1000, 'hangup');
          });
        running.add(run);
      } else if (msg.event === 'media' && started && typeof msg.media?.payload === 'string') {
        stats.framesIn++;
        const pcm = decodeG711(codec, Buffer.from(msg.media.payload, 'base64'));
        for (const l of audio) l(pcm);
      } else if (msg.event === 'dtmf' && started && msg.dtmf?.digit) {
        stats.dtmf.push(String(msg.dtmf.digit));
        for (const l of dtmf) l(String(msg.dtmf.digit));
      } else if (msg.event === 'stop') {
        ws.close(1000, 'stop');
      }
    });
  });

  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/media`,
    stats,
    async close() {
      for (const client of wss.clients) client.terminate();
      await Promise.allSettled([...running]);
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

export const startHotline: DemoPart = async (brain: Brain, options: DemoOptions) => {
  const server = await createHotlineServer(createCallHandler(brain, options));
  return { vars: { hotline: server.url }, close: () => server.close() };
};
