import { randomUUID } from "node:crypto";
import { batchOf, sendContext as contractSendContext, record } from "@outbound/contract";
import { OutboundError, type OutboundRecord, type RecordBatch, type SendContext } from "@outbound/core";
import { expect } from "vitest";
import type { BrokerEndpoints } from "../../brokers/endpoints.d.mts";
import { endpoints } from "../../brokers/endpoints.mjs";

/** Where the local (or overridden) brokers listen. */
export function brokerEndpoints(): BrokerEndpoints {
  return endpoints() as BrokerEndpoints;
}

/** A topic name no other test uses, so test files run in parallel. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const encoder = new TextEncoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : new TextDecoder().decode(value);
}

/** A record as the engine would hand it over, on `partition`. */
export function makeRecord(
  topic: string,
  partition: number,
  value: string | Uint8Array,
  extra: Partial<OutboundRecord> = {},
): OutboundRecord {
  return record(topic, value, { partition, ...extra });
}

export function makeBatch(
  topic: string,
  partition: number,
  records: OutboundRecord[],
  acks: RecordBatch["acks"] = "all",
): RecordBatch {
  return batchOf(records, { topic, partition, acks });
}

/** A send context whose signal never aborts: the Kafka tests time out through `timeoutMs` alone. */
export function sendContext(timeoutMs = 15_000): SendContext {
  return contractSendContext(timeoutMs, new AbortController().signal);
}

/** Runs `run`, expecting it to throw INVALID_CONFIG; returns the error. */
export function configError(run: () => unknown): OutboundError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as OutboundError).code).toBe("INVALID_CONFIG");
    return error as OutboundError;
  }
  throw new Error("expected INVALID_CONFIG");
}

/** The capability -> value rows of a transport page's Characteristics table. */
export function characteristicsTable(page: string): Record<string, string> {
  const section = page.split("## Characteristics")[1]?.split("\n## ")[0] ?? "";
  const rows: Record<string, string> = {};
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 4 || cells[1] === "capability" || /^-+$/.test(cells[1] ?? "")) continue;
    rows[cells[1]!] = cells[2]!;
  }
  return rows;
}
