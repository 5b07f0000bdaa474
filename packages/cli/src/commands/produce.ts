import { existsSync } from "node:fs";
import { createProducer, type DeliveryReport, OutboundError, type OutboundMessage } from "@outbound/core";
import { onInterrupt } from "../interrupt.js";
import { type Format, type InputItem, readMessages } from "../message-source.js";
import { type ConnectionOptions, producerConfig } from "../producer-config.js";
import { type Outcome, ReportPrinter } from "../report-printer.js";
import { serializerForFormat } from "../serializer-for-format.js";
import { EXIT, UsageError } from "../usage-error.js";
import type { CommandIo } from "./io.js";

export interface ProduceOptions extends ConnectionOptions {
  topic: string;
  key?: string;
  keyField?: string;
  header?: Record<string, string>;
  partition?: number;
  format: Format;
  schema?: string;
  messageType?: string;
  quiet?: boolean;
  json?: boolean;
  closeTimeout: number;
  /** Most messages sent and not yet reported; reading waits above it, so memory stays bounded. */
  window: number;
}

/**
 * `outbound produce`: one message per input item, reports printed in input order as they settle.
 * Exit 0 when every message was acknowledged, 1 when any failed (each named), 130 on Ctrl-C.
 */
export async function produce(files: string[], options: ProduceOptions, io: CommandIo): Promise<number> {
  // A missing input file is a usage error before anything is sent, not a failure half way.
  for (const file of files) {
    if (file !== "-" && !existsSync(file)) throw new UsageError(`${file}: no such file`);
  }
  const serializer = await serializerForFormat(options.format, options);
  const producer = createProducer(producerConfig(options, { serializer }));
  const printer = new ReportPrinter(
    options.quiet ? "quiet" : options.json ? "json" : "text",
    io.stdout,
    io.stderr,
  );
  // Reports are printed in input order, each as soon as it and those before it have settled.
  // `printed` holds one promise per message not yet printed, which also bounds reading.
  let printing = Promise.resolve();
  const printed: Promise<void>[] = [];
  const interrupt = onInterrupt(io.stderr, () => printed.length);
  try {
    for await (const item of readMessages(options.format, files, io.stdin, interrupt.signal)) {
      const outcome = sendItem(producer.send.bind(producer), item, options);
      printing = printing.then(async () => printer.print(await outcome));
      const done = printing.then(() => {
        printed.shift();
      });
      printed.push(done);
      if (printed.length >= options.window) await printed[0];
    }
    if (!interrupt.signal.aborted) await producer.flush();
  } finally {
    // close() fails what it could not deliver in time; each of those sends rejects, so every
    // message read still gets its line.
    const { undelivered } = await producer.close({ timeoutMs: options.closeTimeout });
    await printing;
    interrupt.dispose();
    printer.summary(
      undelivered.length > 0 ? `${undelivered.length} undelivered when close gave up` : undefined,
    );
  }
  if (interrupt.signal.aborted) return EXIT.interrupted;
  return printer.failures > 0 ? EXIT.failed : EXIT.ok;
}

type Send = (message: OutboundMessage) => Promise<DeliveryReport>;

async function sendItem(send: Send, item: InputItem, options: ProduceOptions): Promise<Outcome> {
  const { label } = item;
  try {
    if ("error" in item) throw new OutboundError("INVALID_MESSAGE", item.error);
    const message: OutboundMessage = { topic: options.topic, value: item.value };
    const key = options.keyField !== undefined ? keyFrom(item.value, options.keyField) : options.key;
    if (key !== undefined) message.key = key;
    if (options.header) message.headers = { ...options.header };
    if (options.partition !== undefined) message.partition = options.partition;
    return { label, report: await send(message) };
  } catch (error) {
    return { label, error: error as Error };
  }
}

/** The key from a field of a JSON value, `a.b` for a nested one; strings and numbers only. */
function keyFrom(value: unknown, path: string): string {
  let at: unknown = value;
  for (const part of path.split(".")) {
    at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[part] : undefined;
  }
  if (typeof at === "string") return at;
  if (typeof at === "number" || typeof at === "bigint") return String(at);
  throw new OutboundError(
    "INVALID_MESSAGE",
    `--key-field ${path} is ${at === undefined ? "missing" : `a ${typeof at}, not a string or number`}`,
  );
}
