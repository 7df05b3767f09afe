/**
 * Audio frames to their listeners. Frames that come before anyone listens are
 * kept for the first listener, the latest `keep` of them (250 = 5 s): a far
 * end starts its greeting the moment the call connects, before the caller's
 * ear is on the line.
 */
export class FrameFanout {
  private readonly listeners = new Set<(frame: Int16Array) => void>();
  private unheard: Int16Array[] | null = [];

  constructor(private readonly keep = 250) {}

  /** Every frame from now on; the first listener also gets those that came before it. */
  subscribe(listener: (frame: Int16Array) => void): () => void {
    this.listeners.add(listener);
    const unheard = this.unheard;
    this.unheard = null;
    for (const frame of unheard ?? []) listener(frame);
    return () => this.listeners.delete(listener);
  }

  emit(frame: Int16Array): void {
    if (this.unheard) {
      if (this.unheard.length >= this.keep) this.unheard.shift();
      this.unheard.push(frame);
      return;
    }
    for (const l of this.listeners) l(frame);
  }
}
