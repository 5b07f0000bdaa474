import type { Driver, DriverContext } from "./driver.js";

/**
 * Every driver a trial can name. Raw clients are imported lazily so one child process loads only
 * the client it measures.
 */
export async function createDriver(ctx: DriverContext): Promise<Driver> {
  switch (ctx.spec.driver) {
    case "outbound":
      return (await import("./outbound.js")).outboundDriver(ctx);
    case "outbound-null": {
      const { nullTransport } = await import("./null-transport.js");
      return (await import("./outbound.js")).outboundDriver(ctx, nullTransport());
    }
    case "harness-only":
      return (await import("./harness-only.js")).harnessOnlyDriver();
    case "outbound-kafka-idempotent":
    case "outbound-kafkajs": {
      const { kafkaVariant } = await import("./outbound-transports.js");
      const variant = ctx.spec.driver === "outbound-kafkajs" ? "kafkajs" : "idempotent";
      return (await import("./outbound.js")).outboundDriver(ctx, await kafkaVariant(variant, ctx.spec));
    }
    case "outbox-sqlite":
    case "outbox-postgres":
      return (await import("./outbox.js")).outboxDriver(
        ctx,
        ctx.spec.driver === "outbox-sqlite" ? "sqlite" : "postgres",
      );
    case "memory-raw":
      return (await import("./memory-raw.js")).memoryRawDriver(ctx, false);
    case "memory-raw-batch":
      return (await import("./memory-raw.js")).memoryRawDriver(ctx, true);
    case "kafkajs-each":
      return (await import("./kafkajs.js")).kafkajsDriver(ctx, false);
    case "kafkajs-batch":
      return (await import("./kafkajs.js")).kafkajsDriver(ctx, true);
    case "platformatic":
      return (await import("./platformatic.js")).platformaticDriver(ctx);
    case "amqplib-each":
    case "amqplib-pipelined":
      return (await import("./amqplib.js")).amqplibDriver(ctx);
    case "sqs-each": {
      const driver = (await import("./sqs.js")).sqsDriver(ctx);
      return { ...driver, batched: false, requestConcurrency: true };
    }
    case "sqs-batch":
      return (await import("./sqs.js")).sqsDriver(ctx);
    default:
      throw new Error(`unknown driver ${ctx.spec.driver}`);
  }
}
