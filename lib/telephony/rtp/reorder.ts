import { seqDistance, type RtpPacket } from './packet.ts';

// Puts received RTP back in sequence order. Packets are released as soon as
// they are contiguous, so a stable call adds no delay and drops nothing; a
// gap is waited for until `depth` later packets have arrived, then given up
// (the caller fills lost time with silence from the timestamps).

export class ReorderBuffer {
  private expected: number | undefined;
  private ssrc: number | undefined;
  private readonly held = new Map<number, RtpPacket>();
  /** Packets given up on (never arrived in time) and packets that came after that. */
  lost = 0;
  late = 0;

  constructor(
    private readonly release: (p: RtpPacket) => void,
    private readonly depth = 4,
  ) {}

  push(p: RtpPacket): void {
    if (this.expected === undefined || p.ssrc !== this.ssrc) {
      this.reset(p);
    } else {
      const d = seqDistance(this.expected, p.sequence);
      if (d < 0) {
        this.late++; // late past the window, or a duplicate: already given up on
        return;
      }
      if (d > 3000) this.reset(p); // the sender restarted its sequence
    }
    if (!this.held.has(p.sequence)) this.held.set(p.sequence, p);
    this.drain();
  }

  /** Packets waiting behind a gap. */
  get pending(): number {
    return this.held.size;
  }

  private reset(p: RtpPacket): void {
    this.held.clear();
    this.ssrc = p.ssrc;
    this.expected = p.sequence;
  }

  private drain(): void {
    for (;;) {
      const next = this.held.get(this.expected!);
      if (next) {
        this.held.delete(this.expected!);
        this.expected = (this.expected! + 1) & 0xffff;
        this.release(next);
      } else if (this.held.size > this.depth) {
        this.expected = (this.expected! + 1) & 0xffff;
        this.lost++;
      } else {
        return;
      }
    }
  }
}
