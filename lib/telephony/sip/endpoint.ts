import dgram from 'node:dgram';
import net from 'node:net';
import * as sip from 'sip';
import type { SipConnection, SipMessage, TransactionLayer } from 'sip';

// A SIP endpoint: one socket plus the `sip` package's transaction layer.
// We do not use sip.create(): it binds port `options.port || 5060` (no
// ephemeral port 0), gives its UDP socket no 'error' listener, and an
// unconnected socket never hears ICMP "port unreachable"; so the sockets are
// ours and the package parses, stringifies and runs the transactions.

export interface Remote {
  address: string;
  port: number;
}

export type Protocol = 'UDP' | 'TCP';

export interface SipEndpoint {
  readonly local: Remote & { protocol: Protocol };
  /** Sends a request in a client transaction; the Via header is filled in here. */
  request(rq: SipMessage, onResponse: (rs: SipMessage) => void, target?: Remote): void;
  /** Sends an ACK for a 2xx (a transaction of its own, RFC 3261 13.2.2.4). */
  sendAck(ack: SipMessage, target?: Remote): void;
  /** Sends a response through the server transaction of its request. */
  respond(rs: SipMessage): void;
  onRequest(handler: (rq: SipMessage, remote: Remote) => void): void;
  /** 2xx retransmissions arriving after their transaction ended. */
  onStrayResponse(handler: (rs: SipMessage) => void): void;
  /** The far end cannot be reached (ICMP unreachable, connection refused or closed). */
  onFailure(handler: (err: Error) => void): void;
  close(): Promise<void>;
}

function wellFormed(m: SipMessage): boolean {
  const h = m.headers;
  return Boolean(
    (m.method || (m.status && m.status >= 100)) && Array.isArray(h.via) && h.via.length && h['call-id'] && h.to && h.from && h.cseq,
  );
}

class Endpoint implements SipEndpoint {
  private readonly layer: TransactionLayer = sip.makeTransactionLayer({}, () => {
    throw new Error('unused');
  });
  private requestHandler: (rq: SipMessage, remote: Remote) => void = () => {};
  private strayHandler: (rs: SipMessage) => void = () => {};
  private failureHandler: (err: Error) => void = () => {};
  private closed = false;

  constructor(
    readonly local: Remote & { protocol: Protocol },
    private readonly write: (data: string, target?: Remote) => void,
    private readonly destroy: () => void,
    private readonly defaultTarget?: Remote,
  ) {}

  connection(target?: Remote): SipConnection {
    const self = this;
    return {
      protocol: this.local.protocol,
      release() {},
      send(m: SipMessage) {
        if (self.closed) return;
        if (m.method) {
          const via = m.headers.via![0];
          via.host = self.local.address;
          via.port = self.local.port;
          via.protocol = self.local.protocol;
          if (self.local.protocol === 'UDP') via.params.rport = null;
        }
        self.write(sip.stringify(m), target ?? self.defaultTarget);
      },
    };
  }

  request(rq: SipMessage, onResponse: (rs: SipMessage) => void, target?: Remote): void {
    if (rq.method !== 'CANCEL') rq.headers.via = [{ params: {} }];
    this.layer.createClientTransaction(this.connection(target), rq, onResponse);
  }

  sendAck(ack: SipMessage, target?: Remote): void {
    ack.headers.via = [{ params: { branch: sip.generateBranch() } }];
    this.connection(target).send(ack);
  }

  respond(rs: SipMessage): void {
    this.layer.getServer(rs)?.send(rs);
  }

  onRequest(handler: (rq: SipMessage, remote: Remote) => void): void {
    this.requestHandler = handler;
  }
  onStrayResponse(handler: (rs: SipMessage) => void): void {
    this.strayHandler = handler;
  }
  onFailure(handler: (err: Error) => void): void {
    this.failureHandler = handler;
  }

  failed(err: Error): void {
    if (!this.closed) this.failureHandler(err);
  }

  receive(m: SipMessage, remote: Remote): void {
    if (this.closed || !wellFormed(m)) return;
    if (m.method) {
      const via = m.headers.via![0];
      via.params.received = remote.address;
      if ('rport' in via.params) via.params.rport = String(remote.port);
    }
    const t = m.method ? this.layer.getServer(m) : this.layer.getClient(m);
    if (t) {
      t.message(m, remote);
    } else if (m.method === 'ACK') {
      this.requestHandler(m, remote);
    } else if (m.method) {
      this.layer.createServerTransaction(m, this.connection(remote));
      this.requestHandler(m, remote);
    } else {
      this.strayHandler(m);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let responses just handed to the socket leave before it closes.
    await new Promise((r) => setTimeout(r, 20));
    this.closed = true;
    this.layer.destroy();
    this.destroy();
  }
}

/** A caller's endpoint: a socket of its own connected to one next hop, so ICMP and refusals are heard. */
export async function connectEndpoint(protocol: Protocol, localAddress: string, remote: Remote): Promise<SipEndpoint> {
  if (protocol === 'UDP') {
    const socket = dgram.createSocket(net.isIPv6(localAddress) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, localAddress, () => socket.connect(remote.port, remote.address, () => resolve()));
    });
    const ep = new Endpoint(
      { address: localAddress, port: socket.address().port, protocol },
      (data) => socket.send(Buffer.from(data, 'binary'), (err) => err && ep.failed(err)),
      () => socket.close(),
    );
    socket.removeAllListeners('error');
    socket.on('error', (err) => ep.failed(err));
    socket.on('message', (msg) => {
      const m = sip.parse(msg);
      if (m) ep.receive(m, remote);
    });
    return ep;
  }
  const stream = net.connect({ host: remote.address, port: remote.port, localAddress });
  await new Promise<void>((resolve, reject) => {
    stream.once('connect', resolve);
    stream.once('error', reject);
  });
  stream.removeAllListeners('error');
  const ep = new Endpoint(
    { address: localAddress, port: stream.localPort!, protocol },
    (data) => stream.write(data, 'binary'),
    () => stream.destroy(),
  );
  stream.setEncoding('binary');
  stream.on('data', sip.makeStreamParser((m) => ep.receive(m, remote)));
  stream.on('error', (err) => ep.failed(err));
  stream.on('close', () => ep.failed(new Error('the SIP connection was closed by the far end')));
  return ep;
}

/** A server's endpoint: one unconnected UDP socket answering anyone. */
export async function listenEndpoint(localAddress: string, port = 0): Promise<SipEndpoint> {
  const socket = dgram.createSocket(net.isIPv6(localAddress) ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, localAddress, () => resolve());
  });
  socket.removeAllListeners('error');
  socket.on('error', () => {}); // a caller gone away must not take the server down
  const ep = new Endpoint(
    { address: localAddress, port: socket.address().port, protocol: 'UDP' },
    (data, target) => target && socket.send(Buffer.from(data, 'binary'), target.port, target.address),
    () => socket.close(),
  );
  socket.on('message', (msg, rinfo) => {
    const m = sip.parse(msg);
    if (m) ep.receive(m, { address: rinfo.address, port: rinfo.port });
  });
  return ep;
}
