import { createProducer, type OutboundMessage, type Producer, type Transport } from "@outbound/core";
import type { TransportName } from "../types.js";
import type { Driver, DriverContext } from "./driver.js";
import { outboundTransport } from "./outbound-transports.js";

/**
 * Outbound's public API, as an application uses it: `send()` per message (or `produce()` with a
 * callback, for `produce` targets) with the bytes serializer, so the values are the same
 * pre-generated buffers the raw clients get.
 */
export async function outboundDriver(ctx: DriverContext, transportOverride?: Transport): Promise<Driver> {
  const { spec, payloads } = ctx;
  const transport = transportOverride ?? (await outboundTransport(spec.transport as TransportName, spec));
  const producer: Producer = createProducer({
    transport,
    serializer: "bytes",
    acks: "all",
    maxInFlightPerPartition: spec.params.inFlightRequests,
    ...(spec.batchMaxRecords ? { batchMaxRecords: spec.batchMaxRecords } : {}),
    ...(spec.telemetryOff ? { telemetry: { tracing: false, metrics: false } } : {}),
    ...(spec.bufferMaxBytes !== undefined
      ? { bufferMaxBytes: spec.bufferMaxBytes, onBufferFull: "reject" }
      : {}),
  });
  if (spec.ackListener) producer.on("ack", () => {});
  const topic = spec.topic;
  const message = (i: number): OutboundMessage<Buffer> => {
    const key = payloads.key(i);
    return key === undefined ? { topic, value: payloads.value(i) } : { topic, value: payloads.value(i), key };
  };
  return {
    batched: false,
    connect: () => producer.connect(),
    // The report is not needed, so the harness awaits send()'s own promise without another
    // async layer around it (the raw drivers' wrappers check their results; this one has nothing to check).
    sendOne: (i) => producer.send(message(i)) as Promise<unknown> as Promise<void>,
    // `produce: true` targets go through the callback API: no promise per message.
    ...(spec.produce
      ? { produceOne: (i: number, done: (error: unknown) => void) => producer.produce(message(i), done) }
      : {}),
    close: async () => {
      await producer.close({ timeoutMs: 10_000 });
    },
    notes: () => {
      const m = producer.metrics();
      return [`outbound: ${m.requests} requests, mean batch ${m.batchRecords.mean.toFixed(1)} records`];
    },
  };
}
