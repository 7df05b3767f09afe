/**
 * Send, let the request reach the socket, then hold this thread's event loop
 * in a check-phase callback, as a long synchronous step of the harness (a
 * cold grader building its tables) would: the next turn of the loop finds a
 * short deadline past, with the bot's reply (from another thread) unread in
 * the socket. The hold lasts 1.5 s, and when the bot counts its answers in
 * `answered` (shared memory), until it has answered too (at most 15 s): on a
 * loaded machine the bot's thread may take longer than 1.5 s to answer.
 */
export async function sendAndHold<T>(send: () => Promise<T>, answered?: Int32Array): Promise<T> {
  const before = answered ? Atomics.load(answered, 0) : 0;
  const sent = send();
  // Connect and write: a few turns of the loop, well inside a 300 ms deadline.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
  await new Promise<void>((r) =>
    setImmediate(() => {
      const start = performance.now();
      while (performance.now() < start + 1500 || (answered && Atomics.load(answered, 0) === before && performance.now() < start + 15_000));
      r();
    }),
  );
  return sent;
}
