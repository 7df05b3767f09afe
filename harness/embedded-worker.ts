import { parentPort } from 'node:worker_threads';
import { embeddedBanks, partsFor, type EmbeddedBank } from './embedded.ts';
import type { ThreadReply, ThreadRequest } from './embedded-thread.ts';

// The thread embedded banks run in (see embedded-thread.ts): it starts a
// bank's parts when asked, reports their addresses, and closes them when
// asked. The modules stay loaded between banks, so a second run in the same
// process starts its bank in a few milliseconds.

const port = parentPort!;
const banks = new Map<number, EmbeddedBank>();
const post = (m: ThreadReply) => port.postMessage(m);

async function handle(m: ThreadRequest): Promise<void> {
  if (m.op === 'start') {
    try {
      const def = await embeddedBanks[m.kind]();
      const { only, variables } = m.parts;
      const bank = await def.start(m.options, variables ? partsFor(def, variables) : only);
      banks.set(m.id, bank);
      post({ id: m.id, op: 'started', vars: bank.vars });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      post({ id: m.id, op: 'failed', error: { name: e?.name ?? 'Error', message: e?.message ?? String(err), stack: e?.stack, code: e?.code } });
    }
  } else {
    const bank = banks.get(m.id);
    banks.delete(m.id);
    await bank?.close().catch(() => undefined);
    post({ id: m.id, op: 'closed' });
  }
}

port.on('message', (m: ThreadRequest) => void handle(m));
