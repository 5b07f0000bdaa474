import { createProducer, type DeliveryReport, type OutboundError, type ProducerConfig } from "@outbound/core";
import { orderEvents } from "./orders.js";

export interface DemoOptions {
  config: ProducerConfig;
  orders: number;
  topic: string;
  /** Where lines go; the CLI prints them, tests collect them. */
  print: (line: string) => void;
  /** How many delivery reports to print in full before summarizing. */
  showReports: number;
}

export interface DemoSummary {
  sent: number;
  acked: number;
  failed: number;
  seconds: number;
  perSecond: number;
  partitions: Record<string, number>;
  failures: OutboundError[];
}

function describeReport(r: DeliveryReport): string {
  const where = r.partition === undefined ? r.topic : `${r.topic}[${r.partition}]`;
  const at =
    r.offset !== undefined ? `offset ${r.offset}` : r.messageId ? `id ${r.messageId}` : "acknowledged";
  return `${where} ${at} after ${r.latencyMs.toFixed(1)} ms (attempt ${r.attempts})`;
}

/** Sends the order events, printing delivery reports and a summary. */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { print } = options;
  const producer = createProducer({ clientId: "outbound-demo", ...options.config });
  print(`transport: ${producer.transportName}`);
  await producer.connect();

  const events = [...orderEvents(options.orders)];
  const started = performance.now();
  let shown = 0;
  const settled = await producer.sendMany(
    events.map((event) => ({
      topic: options.topic,
      key: event.orderId,
      value: event,
      headers: { "event-type": event.type, "schema-version": "1" },
      timestamp: Date.parse(event.at),
    })),
  );
  const seconds = (performance.now() - started) / 1000;

  const partitions: Record<string, number> = {};
  const failures: OutboundError[] = [];
  settled.forEach((result, i) => {
    const event = events[i]!;
    if (result.status === "fulfilled") {
      const key = String(result.value.partition ?? "-");
      partitions[key] = (partitions[key] ?? 0) + 1;
      if (shown < options.showReports) {
        shown++;
        print(`  ${event.type.padEnd(13)} ${event.orderId} -> ${describeReport(result.value)}`);
      }
    } else {
      failures.push(result.reason);
      print(`  FAILED ${event.type} ${event.orderId}: ${result.reason.code} ${result.reason.message}`);
    }
  });
  if (shown < settled.length - failures.length)
    print(`  ... ${settled.length - failures.length - shown} more reports`);

  const { undelivered } = await producer.close({ timeoutMs: 10_000 });
  const metrics = producer.metrics();
  const acked = settled.length - failures.length;
  const summary: DemoSummary = {
    sent: settled.length,
    acked,
    failed: failures.length + undelivered.length,
    seconds,
    perSecond: settled.length / Math.max(seconds, 1e-6),
    partitions,
    failures,
  };
  print("");
  print("summary");
  print(`  sent      ${summary.sent}`);
  print(`  acked     ${summary.acked}`);
  print(`  failed    ${summary.failed}`);
  print(`  msg/s     ${Math.round(summary.perSecond)}`);
  print(`  per partition ${JSON.stringify(partitions)}`);
  print(
    `  batches   ${metrics.requests} requests, mean ${metrics.batchRecords.mean.toFixed(1)} records; latency p50 ${metrics.latencyMs.p50.toFixed(2)} ms, p99 ${metrics.latencyMs.p99.toFixed(2)} ms`,
  );
  return summary;
}
