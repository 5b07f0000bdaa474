/**
 * The open loop's per-message bookkeeping in flat arrays instead of an object per send: one bit
 * per sequence number for "settled", and the issue time once per run of sends issued together
 * (the issuer reads the clock once per run). Under overload millions of sends pass through a
 * trial; a Map entry and an object each would be the harness's own garbage, and would show up in
 * the RSS the trial is there to measure.
 */
export class IssueLog {
  private readonly settledBits: Uint8Array;
  /** Run starts: the first sequence number of each run and the time it was issued. */
  private runFirst: Float64Array = new Float64Array(1024);
  private runTime: Float64Array = new Float64Array(1024);
  private runs = 0;

  constructor(readonly capacity: number) {
    this.settledBits = new Uint8Array(Math.ceil(capacity / 8));
  }

  /** Sends from `firstSeq` on were issued at `time` (until the next run starts). */
  startRun(firstSeq: number, time: number): void {
    if (this.runs > 0 && this.runFirst[this.runs - 1] === firstSeq) {
      this.runTime[this.runs - 1] = time;
      return;
    }
    if (this.runs === this.runFirst.length) {
      this.runFirst = grow(this.runFirst);
      this.runTime = grow(this.runTime);
    }
    this.runFirst[this.runs] = firstSeq;
    this.runTime[this.runs] = time;
    this.runs++;
  }

  /** Marks `seq` settled; false if it already was (an outcome reported twice is counted once). */
  settle(seq: number): boolean {
    const byte = seq >>> 3;
    const bit = 1 << (seq & 7);
    if ((this.settledBits[byte]! & bit) !== 0) return false;
    this.settledBits[byte]! |= bit;
    return true;
  }

  /** Calls `fn` with each issued sequence number below `issued` not settled, and its issue time. */
  forEachUnsettled(issued: number, fn: (seq: number, issuedAt: number) => void): void {
    let run = 0;
    for (let seq = 0; seq < issued; seq++) {
      while (run + 1 < this.runs && this.runFirst[run + 1]! <= seq) run++;
      if ((this.settledBits[seq >>> 3]! & (1 << (seq & 7))) === 0) fn(seq, this.runTime[run]!);
    }
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
