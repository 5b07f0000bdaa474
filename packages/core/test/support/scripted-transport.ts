import type { RecordBatch, RecordResult, SendContext, Transport } from "../../src/index.js";
import { type CapabilitiesInput, defineCapabilities } from "../../src/transport/kit/index.js";
import type { FakeClock } from "./fake-clock.js";

/** One `send` call the engine made, with the time on the fake clock and the means to answer it. */
export interface ScriptedSend {
  at: number;
  batch: RecordBatch;
  /** Each record's attempt number when it was sent (the engine resends the same record objects). */
  attempts: number[];
  context: SendContext;
  /** Acknowledges every record. */
  ack(): void;
  fail(error: unknown): void;
}

/**
 * A transport whose every call is answered by the test, for engine tests on a fake clock. It
 * stands for no broker: it is the engine's other side, scripted.
 */
export function scriptedTransport(
  clock: FakeClock,
  options: { capabilities?: Partial<CapabilitiesInput>; connect?: () => Promise<void> } = {},
): Transport & { sends: ScriptedSend[]; connects: number[]; closed: boolean } {
  const sends: ScriptedSend[] = [];
  const connects: number[] = [];
  let offset = 0;
  const transport = {
    name: "scripted",
    capabilities: defineCapabilities({
      maxBatchRecords: 100,
      maxMessageBytes: 1 << 20,
      partitioned: true,
      keyOrdering: "partition",
      acks: ["none", "leader", "all"],
      defaultPartitioner: "murmur2",
      orderedInFlight: 1,
      ...options.capabilities,
    }),
    sends,
    connects,
    closed: false,
    async connect() {
      connects.push(clock.now());
      await options.connect?.();
    },
    partitions: async () => 1,
    send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
      return new Promise((resolve, reject) => {
        sends.push({
          at: clock.now(),
          batch,
          attempts: batch.records.map((r) => r.attempt),
          context,
          ack: () => resolve(batch.records.map(() => ({ ok: true, offset: String(offset++) }))),
          fail: reject,
        });
      });
    },
    async close() {
      transport.closed = true;
    },
  };
  return transport;
}
