import { createLogUpdate } from "log-update";

/**
 * The live progress line: rewritten in place on a terminal (log-update), one plain line per
 * update otherwise, so a log or a pipe keeps every figure.
 */
export class ProgressLine {
  private readonly update: ((text: string) => void) & { done(): void };
  private readonly live: boolean;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.live = stream.isTTY === true;
    this.update = this.live ? createLogUpdate(stream) : Object.assign(() => {}, { done() {} });
  }

  show(text: string): void {
    if (this.live) this.update(text);
    else this.stream.write(`${text}\n`);
  }

  /** Leaves the last line on screen. */
  done(): void {
    if (this.live) this.update.done();
  }
}
