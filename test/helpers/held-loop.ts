/**
 * Send, let the request reach the socket, then hold this thread's event loop
 * for 1.5 s in a check-phase callback, as a long synchronous step of the
 * harness (a cold grader building its tables) would: the next turn of the
 * loop finds a short deadline past, with the bot's reply (from another
 * thread) unread in the socket.
 */
export async function sendAndHold<T>(send: () => Promise<T>): Promise<T> {
  const sent = send();
  // Connect and write: a few turns of the loop, well inside a 300 ms deadline.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
  await new Promise<void>((r) =>
    setImmediate(() => {
      const until = performance.now() + 1500;
      while (performance.now() < until);
      r();
    }),
  );
  return sent;
}
