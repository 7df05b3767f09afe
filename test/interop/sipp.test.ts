import { afterEach, describe, expect, it } from 'vitest';
import { sipTransport } from '../../adapters/hotline/transport/sip/index.ts';
import { TransportFault } from '../../harness/types.ts';
import { hasBinary } from '../fixtures/baresip/baresip.ts';
import { freePorts } from '../fixtures/sipp/ports.ts';
import { startSipp, untilListening, type Sipp } from '../fixtures/sipp/sipp.ts';

// The harness's SIP transport against sipp, an independent SIP stack, playing
// hotlines that fail in the ways real ones do.

const haveSipp = hasBinary('sipp');
const install = '`sipp` is not installed (Debian/Ubuntu: apt-get install sip-tester)';
// On a developer's machine a missing sipp skips these tests; in CI it fails them, so interop is never silently untested.
const inCi = !!process.env.CI && !['0', 'false'].includes(process.env.CI);
if (!haveSipp && !inCi) console.warn(`skipping sipp interop tests: ${install}`);

let running: Sipp[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

async function sipp(scenario: string): Promise<{ uri: string; peer: Sipp }> {
  const port = await freePorts(1);
  const peer = startSipp(scenario, port);
  running.push(peer);
  await untilListening(port, peer);
  return { uri: `sip:bot@127.0.0.1:${port}`, peer };
}

/** Dials sipp playing `scenario`, interrupts the dial after `afterMs` (it must rethrow the interruption), and waits for sipp to end. */
async function interruptedDial(scenario: string, afterMs: number): Promise<{ code: number | null; output: string }> {
  const { uri, peer } = await sipp(scenario);
  const transport = sipTransport({ type: 'sip', uri } as never);
  const stop = new AbortController();
  setTimeout(() => stop.abort(new Error('interrupted')), afterMs);
  await expect(transport.dial({ conversationId: 'interrupted', signal: stop.signal, log: () => {} })).rejects.toThrow('interrupted');
  await transport.dispose();
  return peer.exited;
}

async function dialFault(config: Record<string, unknown>): Promise<TransportFault> {
  const transport = sipTransport({ type: 'sip', ...config } as never);
  try {
    const call = await transport.dial({ conversationId: 'sipp', signal: new AbortController().signal, log: () => {} });
    await call.hangup();
    throw new Error('the call was answered');
  } catch (err) {
    if (!(err instanceof TransportFault)) throw err;
    return err;
  } finally {
    await transport.dispose();
  }
}

describe.runIf(!haveSipp && inCi)('sipp interop in CI', () => {
  it('has sipp installed', () => {
    expect.fail(`CI=${process.env.CI}: the sipp interop tests cannot run: ${install}`);
  });
});

describe.skipIf(!haveSipp)('calling hotlines played by sipp', () => {
  it('reports "busy" when the hotline answers 486 Busy Here', async () => {
    const { uri, peer } = await sipp('uas-busy.xml');
    const fault = await dialFault({ uri });
    expect(fault.kind).toBe('busy');
    expect(fault.message).toContain('486');
    expect((await peer.exited).code).toBe(0); // sipp got its ACK
  });

  it('sends CANCEL and reports "no-answer" when the hotline rings past answerTimeoutMs', async () => {
    const { uri, peer } = await sipp('uas-no-answer.xml');
    const started = Date.now();
    const fault = await dialFault({ uri, answerTimeoutMs: 1500 });
    expect(fault.kind).toBe('no-answer');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - started).toBeLessThan(6000);
    const { code, output } = await peer.exited;
    expect(code, output).toBe(0); // sipp received the CANCEL and the ACK of its 487
  });

  it('cancels a ringing call when the run is interrupted, and rethrows the interruption', async () => {
    const { code, output } = await interruptedDial('uas-no-answer.xml', 500);
    expect(code, output).toBe(0); // CANCEL, 487, ACK
  });

  it('interrupted before the hotline rings, still cancels the call once it rings: nothing is left ringing', async () => {
    // RFC 3261 9.1: no CANCEL before a provisional response. The dial ends
    // when the CANCEL is answered; sipp exits 0 only after CANCEL, 487, ACK.
    const { code, output } = await interruptedDial('uas-slow-ring.xml', 200);
    expect(code, output).toBe(0);
  });

  it('answers a digest challenge (qop=auth) that sipp verifies, and is refused with a wrong password', async () => {
    const good = await sipp('uas-auth.xml');
    const ok = await dialFault({ uri: good.uri, auth: { username: 'harness', password: 's3cret' } });
    expect(ok.kind).toBe('busy'); // past authentication: the scenario's answer to valid credentials
    expect((await good.peer.exited).code).toBe(0);

    const bad = await sipp('uas-auth.xml');
    const refused = await dialFault({ uri: bad.uri, auth: { username: 'harness', password: 'wrong' } });
    expect(refused.kind).toBe('refused');
    expect(refused.message).toContain('403');
  });

  it('registers with digest auth before calling, and un-registers when disposed', async () => {
    const port = await freePorts(1);
    const peer = startSipp('uas-register.xml', port, ['-m', '2']);
    running.push(peer);
    await untilListening(port, peer);
    const uri = `sip:bot@127.0.0.1:${port}`;
    const fault = await dialFault({ uri, auth: { username: 'harness', password: 's3cret' }, register: { registrar: `sip:127.0.0.1:${port}`, expires: 600 } });
    expect(fault.kind).toBe('busy'); // the call came after a verified registration
    const { code, output } = await peer.exited;
    expect(code, output).toBe(0); // both dialogs, un-REGISTER included, ran to their end
  });

  it('reports "unreachable" at once when nothing listens on the hotline port', async () => {
    const port = await freePorts(1);
    const started = Date.now();
    const fault = await dialFault({ uri: `sip:bot@127.0.0.1:${port}` });
    expect(fault.kind).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(2000); // ICMP port unreachable, not a timer
  });
});
