import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { type WebsocketTransportConfig } from './websocket-config.ts';
import { TransportFault } from '../../../harness/types.ts';
import { deadline } from '../../../harness/util/deadline.ts';
import { toFrames } from '../../../lib/telephony/audio/frames.ts';
import { decodeG711, encodeG711 } from '../../../lib/telephony/audio/g711.ts';
import type { Call, CallEnd, DialOptions, Transport } from './types.ts';
import { FRAME_SAMPLES } from './types.ts';
import { LineClock } from './line.ts';

// The harness plays the telephony platform of a Twilio-Media-Streams-style
// voice bot: it opens the bot's WebSocket, announces the call (`connected`,
// `start`), streams the caller's audio as base64 G.711 `media` events in real
// time, sends `dtmf`, `mark` and `stop`, and plays out the bot's `media`
// through a 20-ms playout buffer honouring the bot's `mark` and `clear`.

const encodings = { PCMU: 'audio/x-mulaw', PCMA: 'audio/x-alaw' } as const;

function connectFault(err: unknown, url: string): TransportFault {
  const code = (err as NodeJS.ErrnoException)?.code;
  const msg = `${url}: ${(err as Error)?.message ?? String(err)}`;
  if (code === 'ECONNREFUSED') return new TransportFault('refused', `connection refused: ${msg}`, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportFault('not-found', `host not found: ${msg}`, { cause: err, retryable: code === 'EAI_AGAIN' });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new TransportFault('unreachable', msg, { cause: err });
  if (code === 'ECONNRESET') return new TransportFault('dropped', msg, { cause: err });
  return new TransportFault('protocol', msg, { cause: err });
}

function httpFault(status: number, url: string): TransportFault {
  const msg = `${url}: WebSocket upgrade answered HTTP ${status}`;
  if (status === 404 || status === 410) return new TransportFault('not-found', msg);
  if (status === 401 || status === 403) return new TransportFault('declined', msg);
  if (status === 429) return new TransportFault('rate-limited', msg);
  if (status === 486 || status === 503) return new TransportFault('busy', msg, { retryable: true });
  if (status >= 500) return new TransportFault('server-error', msg);
  return new TransportFault('protocol', msg);
}

function open(config: WebsocketTransportConfig, signal: AbortSignal): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // Our deadline rather than ws's handshakeTimeout: it is judged after the loop has read what arrived.
    const ws = new WebSocket(config.url, { headers: config.headers });
    const timer = deadline(config.connectTimeoutMs, () => fail(new TransportFault('timeout', `${config.url}: no answer in ${config.connectTimeoutMs} ms`)));
    const onAbort = () => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    function done() {
      timer.clear();
      signal.removeEventListener('abort', onAbort);
      ws.removeAllListeners('error');
      ws.removeAllListeners('unexpected-response');
    }
    function fail(err: unknown) {
      done();
      ws.on('error', () => {});
      ws.terminate();
      reject(err);
    }
    ws.once('open', () => {
      done();
      resolve(ws);
    });
    ws.on('error', (err) => fail(err instanceof TransportFault ? err : connectFault(err, config.url)));
    ws.on('unexpected-response', (_req, res) => fail(httpFault(res.statusCode ?? 0, config.url)));
  });
}

export function websocketTransport(config: WebsocketTransportConfig): Transport {
  const calls = new Set<Call>();
  return {
    async dial(options: DialOptions): Promise<Call> {
      const ws = await open(config, options.signal);
      const call = startCall(ws, config, options);
      calls.add(call);
      void call.ended.then(() => calls.delete(call));
      return call;
    },
    async dispose() {
      await Promise.allSettled([...calls].map((c) => c.hangup()));
    },
  };
}

function startCall(ws: WebSocket, config: WebsocketTransportConfig, options: DialOptions): Call {
  const streamSid = `MZ${randomUUID().replace(/-/g, '')}`;
  const callSid = `CA${randomUUID().replace(/-/g, '')}`;
  const codec = config.codec;
  let sequence = 0;
  let chunk = 0;
  let hungUp = false;
  let closed = false;
  const startedAt = performance.now();
  const send = (msg: Record<string, unknown>) => {
    if (ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify({ ...msg, sequenceNumber: String(++sequence) }));
    return true;
  };
  const line = new LineClock({
    send: (frame) => {
      chunk++;
      send({
        event: 'media',
        streamSid,
        media: {
          track: 'inbound',
          chunk: String(chunk),
          timestamp: String(Math.round(performance.now() - startedAt)),
          payload: Buffer.from(encodeG711(codec, frame)).toString('base64'),
        },
      });
    },
    played: (name) => send({ event: 'mark', streamSid, mark: { name } }),
  });

  let resolveEnded!: (end: CallEnd) => void;
  const ended = new Promise<CallEnd>((r) => (resolveEnded = r));
  ws.on('close', (code, reason) => {
    closed = true;
    line.drain(hungUp ? undefined : new TransportFault('dropped', `the call ended while the caller was speaking (WebSocket close ${code})`));
    const why = reason.toString();
    if (hungUp) resolveEnded({ by: 'local', reason: 'hangup' });
    else if (code === 1000 || code === 1001 || code === 1005) resolveEnded({ by: 'remote', reason: why || 'hangup' });
    else resolveEnded({ by: 'remote', reason: `dropped (WebSocket close ${code}${why ? ` ${why}` : ''})` });
  });
  ws.on('error', (err) => options.log(`websocket error: ${err.message}`));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return options.log('ignored a binary WebSocket message');
    let msg: { event?: string; media?: { payload?: string }; mark?: { name?: string } };
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return options.log('ignored a WebSocket message that is not JSON');
    }
    if (msg.event === 'media' && typeof msg.media?.payload === 'string') {
      line.receive(decodeG711(codec, Buffer.from(msg.media.payload, 'base64')));
    } else if (msg.event === 'mark' && msg.mark?.name !== undefined) {
      line.mark(String(msg.mark.name));
    } else if (msg.event === 'clear') {
      line.clear();
    }
  });

  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    event: 'start',
    streamSid,
    start: {
      accountSid: 'AChamess',
      streamSid,
      callSid,
      tracks: ['inbound'],
      customParameters: { ...config.customParameters, conversationId: options.conversationId },
      mediaFormat: { encoding: encodings[codec], sampleRate: 8000, channels: 1 },
    },
  });

  line.run();
  const call: Call = {
    info: { codec, answeredAtMs: Date.now() },
    ended,
    onAudio: (listener) => line.subscribe(listener),
    async play(pcm, signal) {
      if (closed) throw new TransportFault('dropped', 'the call ended before the caller spoke');
      const stopped = ended.then((end) => {
        throw new TransportFault('dropped', `the call ended while the caller was speaking: ${end.reason ?? end.by}`);
      });
      stopped.catch(() => {});
      await Promise.race([line.play(toFrames(pcm, FRAME_SAMPLES), signal), stopped]);
    },
    async sendDtmf(digits) {
      for (const digit of digits) {
        if (closed) throw new TransportFault('dropped', 'the call ended before DTMF could be sent');
        send({ event: 'dtmf', streamSid, dtmf: { track: 'inbound_track', digit } });
        await new Promise((r) => setTimeout(r, 80));
      }
    },
    async hangup() {
      if (!closed && !hungUp) {
        hungUp = true;
        send({ event: 'stop', streamSid, stop: { accountSid: 'AChamess', callSid } });
        ws.close(1000, 'hangup');
        const timer = setTimeout(() => ws.terminate(), 1000);
        await ended;
        clearTimeout(timer);
      }
      await ended;
    },
  };
  return call;
}

export { websocketTransportConfigSchema } from './websocket-config.ts';
