// A typed application against the installed declarations: the public API a user writes against,
// checked under each moduleResolution. The generated all-packages.ts beside it imports every
// installed package so each one's .d.ts must resolve too.
import { createProducer, type DeliveryReport, isOutboundError, OutboundError } from "@outbound/core";
import { getMemoryBroker } from "@outbound/memory";

export async function sendOne(): Promise<DeliveryReport> {
  const producer = createProducer({ url: "memory://typed", acks: "all" });
  try {
    const report = await producer.send({ topic: "orders", key: "ord-1", value: { totalCents: 4200 } });
    const partition: number | undefined = report.partition;
    const acknowledged: boolean = report.acknowledged;
    void partition;
    void acknowledged;
    return report;
  } catch (error) {
    if (isOutboundError(error)) throw new OutboundError(error.code, error.message, { cause: error });
    throw error;
  } finally {
    await producer.close({ timeoutMs: 1_000 });
  }
}

export const held: number = getMemoryBroker("typed").messages("orders").length;

// @ts-expect-error acks is "none", "leader" or "all": the declarations must say so.
createProducer({ url: "memory://", acks: "sometimes" });
