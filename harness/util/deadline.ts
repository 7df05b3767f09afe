/**
 * A deadline judged after the event loop has read what arrived. When the
 * harness's own work holds the loop past a deadline (a loaded machine), the
 * next turn of the loop runs expired timers before it reads the sockets: a
 * reply already there would lose to the timer and be blamed on the bot. So
 * `expired` runs in a setImmediate after the timer, once the poll phase has
 * delivered what came in time; `clear()` before then cancels it.
 */
export function deadline(ms: number, expired: () => void): { clear(): void } {
  let cleared = false;
  const timer = setTimeout(() => {
    setImmediate(() => {
      if (!cleared) expired();
    });
  }, ms);
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}
