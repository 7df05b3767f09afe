import dns from 'node:dns/promises';
import net from 'node:net';
import * as sip from 'sip';
import type { Protocol, Remote } from '../../../../lib/telephony/sip/endpoint.ts';
import { TransportFault } from '../../../../harness/types.ts';

// The caller's first hop: a SIP URI resolved to an address, port and protocol.

/** Where to send a request for `uri`: the host (resolved), port and protocol. */
export async function resolveUri(uri: string, protocol: 'udp' | 'tcp'): Promise<Remote & { protocol: Protocol }> {
  const u = sip.parseUri(uri);
  if (!u) throw new TransportFault('protocol', `not a SIP URI: ${uri}`, { retryable: false });
  const transport = (u.params.transport ?? protocol).toUpperCase();
  if (transport !== 'UDP' && transport !== 'TCP') {
    throw new TransportFault('protocol', `${uri}: transport ${transport} is not supported (use udp or tcp)`, { retryable: false });
  }
  const port = Number.isFinite(u.port) && u.port ? u.port : 5060;
  if (net.isIP(u.host)) return { address: u.host, port, protocol: transport };
  try {
    const { address } = await dns.lookup(u.host);
    return { address, port, protocol: transport };
  } catch (err) {
    throw new TransportFault('not-found', `host not found: ${u.host} (${uri})`, { cause: err, retryable: false });
  }
}
