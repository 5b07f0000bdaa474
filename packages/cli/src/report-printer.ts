import type { DeliveryReport, OutboundError } from "@outbound/core";
import { errorLine } from "./error-line.js";

export type Outcome =
  | { label: string; report: DeliveryReport }
  | { label: string; error: OutboundError | Error };

/** How each delivery report is printed: a line of text, a JSON object per line, or not at all. */
export type ReportStyle = "text" | "json" | "quiet";

/** Prints each message's fate to `out` as it is settled, and the summary to `err` at the end. */
export class ReportPrinter {
  private acked = 0;
  private readonly failed: string[] = [];

  constructor(
    private readonly style: ReportStyle,
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
  ) {}

  print(outcome: Outcome): void {
    if ("report" in outcome) this.acked++;
    else this.failed.push(outcome.label);
    if (this.style === "quiet") return;
    this.out.write(`${this.style === "json" ? jsonLine(outcome) : textLine(outcome)}\n`);
  }

  get failures(): number {
    return this.failed.length;
  }

  /** The totals, naming the failed messages (the first 20; the rest counted). */
  summary(extra?: string): void {
    const total = this.acked + this.failed.length;
    let line = `${total} ${total === 1 ? "message" : "messages"}: ${this.acked} acked, ${this.failed.length} failed`;
    if (this.failed.length > 0) {
      const named = this.failed.slice(0, 20).join(", ");
      line += ` (${named}${this.failed.length > 20 ? `, and ${this.failed.length - 20} more` : ""})`;
    }
    this.err.write(`${line}${extra ? `; ${extra}` : ""}\n`);
  }
}

function textLine(outcome: Outcome): string {
  if ("error" in outcome) return `failed ${outcome.label} ${errorLine(outcome.error)}`;
  const r = outcome.report;
  const where = [`topic=${r.topic}`];
  if (r.partition !== undefined) where.push(`partition=${r.partition}`);
  if (r.offset !== undefined) where.push(`offset=${r.offset}`);
  if (r.messageId !== undefined) where.push(`id=${r.messageId}`);
  return `acked ${outcome.label} ${where.join(" ")} ${r.latencyMs.toFixed(1)}ms`;
}

function jsonLine(outcome: Outcome): string {
  if ("error" in outcome) {
    const e = outcome.error as OutboundError;
    return JSON.stringify({
      input: outcome.label,
      status: "failed",
      code: e.code ?? "INTERNAL",
      error: errorLine(e),
    });
  }
  const { topic, partition, offset, messageId, timestamp, attempts, latencyMs } = outcome.report;
  return JSON.stringify({
    input: outcome.label,
    status: "acked",
    topic,
    partition,
    offset,
    messageId,
    timestamp,
    attempts,
    latencyMs,
  });
}
