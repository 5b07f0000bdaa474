import type { OutboundRecord, RecordBatch, RecordResult } from "@outbound/core";
import { memoryTransport } from "@outbound/memory";
import type { Driver, DriverContext } from "./driver.js";

/**
 * The memory broker without the engine: records built by hand and handed to the transport, one per
 * call or hand-batched. Outbound over memory divided by this is the engine's own cost.
 */
export function memoryRawDriver(ctx: DriverContext, batched: boolean): Driver {
  const { spec, payloads } = ctx;
  const transport = memoryTransport({ partitions: spec.workload.partitions });
  const partitions = spec.workload.partitions;
  const controller = new AbortController();
  const context = { signal: controller.signal, timeoutMs: 30_000 };
  const now = Date.now();
  const record = (i: number, partition: number): OutboundRecord => {
    const value = payloads.value(i);
    const key = payloads.key(i);
    return {
      topic: spec.topic,
      partition,
      value,
      key,
      headers: {},
      contentType: "application/octet-stream",
      timestamp: now,
      attempt: 1,
      id: undefined,
      delayMs: undefined,
      sizeBytes: value.length + (key?.length ?? 0),
    };
  };
  const check = (results: RecordResult[]): void => {
    for (const r of results) if (!r.ok) throw r.error;
  };
  let next = 0;
  return {
    batched,
    connect: () => transport.connect(),
    sendOne: async (i) => {
      const batch: RecordBatch = {
        topic: spec.topic,
        partition: i % partitions,
        acks: "all",
        records: [record(i, i % partitions)],
      };
      check(await transport.send(batch, context));
    },
    sendBatch: async (i, count) => {
      // Round-robin whole batches over partitions, as a hand-written producer would.
      const partition = next++ % partitions;
      const records = new Array<OutboundRecord>(count);
      for (let k = 0; k < count; k++) records[k] = record(i + k, partition);
      check(await transport.send({ topic: spec.topic, partition, acks: "all", records }, context));
    },
    close: () => transport.close(),
  };
}
