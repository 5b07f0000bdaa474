import { createProducer, describeCapabilities, type Producer } from "@outbound/core";
import { errorLine } from "../error-line.js";
import { type ConnectionOptions, producerConfig } from "../producer-config.js";
import { EXIT } from "../usage-error.js";
import type { CommandIo } from "./io.js";

export interface CheckOptions extends ConnectionOptions {
  topic?: string;
  json?: boolean;
  timeout: number;
}

/**
 * `outbound check`: connects, prints what the transport can do (its Characteristics: limits and
 * features) and, with `--topic`, that destination's partition count. Exit 0 when all of it
 * answered, 1 when the broker or the topic did not (the reason on one line).
 */
export async function check(options: CheckOptions, io: CommandIo): Promise<number> {
  const producer = createProducer(producerConfig(options, { deliveryTimeoutMs: options.timeout }));
  const endpoint = String(producer.describeConfig().url ?? producer.transportName);
  const result: Record<string, unknown> = { transport: producer.transportName, endpoint };
  let status: number = EXIT.ok;
  try {
    const started = performance.now();
    await connectWithin(producer, options.timeout);
    result.connectMs = Math.round(performance.now() - started);
    result.capabilities = producer.capabilities;
    if (options.topic !== undefined) {
      result.topic = { name: options.topic, partitions: await producer.partitions(options.topic) };
    }
  } catch (error) {
    result.error = errorLine(error);
    status = EXIT.failed;
  } finally {
    await producer.close({ timeoutMs: 1_000 });
  }
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : checkText(result, producer));
  return status;
}

/** connect() ends within deliveryTimeoutMs on its own; the race also covers a transport that does not. */
async function connectWithin(producer: Producer, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      producer.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`TIMEOUT: no connection within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function checkText(result: Record<string, unknown>, producer: Producer): string {
  const rows: [string, string][] = [
    ["transport", String(result.transport)],
    ["endpoint", String(result.endpoint)],
  ];
  if (result.connectMs !== undefined) rows.push(["connected", `in ${result.connectMs} ms`]);
  if (producer.capabilities) {
    for (const [name, value] of Object.entries(describeCapabilities(producer.capabilities)))
      rows.push([name, value]);
  }
  const topic = result.topic as { name: string; partitions: number } | undefined;
  if (topic)
    rows.push([
      `topic ${topic.name}`,
      `${topic.partitions} ${topic.partitions === 1 ? "partition" : "partitions"}`,
    ]);
  if (result.error !== undefined) rows.push(["error", String(result.error)]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return `${rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join("\n")}\n`;
}
