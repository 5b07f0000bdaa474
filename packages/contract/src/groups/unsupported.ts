import { OutboundError, type OutboundMessage } from "@outbound/core";
import { expect } from "vitest";
import { asText } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { itWhen } from "../skip.js";

/**
 * Sends `bad` between two good messages and checks that it fails with `code` naming `option`,
 * that it never reaches the broker, and that the good ones do.
 */
async function refusedAlone(
  ctx: ContractContext,
  bad: (topic: string) => OutboundMessage,
  code: string,
  option: string,
): Promise<void> {
  const topic = await ctx.topic();
  const producer = await ctx.producer({ serializer: "string" });
  const settled = await producer.sendMany([
    { topic, value: "good-1" },
    bad(topic),
    { topic, value: "good-2" },
  ]);
  expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  const reason = settled[1]?.status === "rejected" ? settled[1].reason : undefined;
  expect(reason).toBeInstanceOf(OutboundError);
  expect(reason?.code).toBe(code);
  expect(reason?.message).toContain(option);
  const arrived = (await ctx.readSettled(topic, 2)).map((m) => asText(m.value));
  expect(arrived.toSorted()).toEqual(["good-1", "good-2"]);
}

/** Unsupported features are refused by name, never silently dropped. */
export function unsupportedTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;

  itWhen(!caps.delay.supported, "delay is supported")(
    "delayMs is refused with UNSUPPORTED_FEATURE naming delayMs",
    () =>
      refusedAlone(
        ctx,
        (topic) => ({ topic, value: "delayed", delayMs: 1_000 }),
        "UNSUPPORTED_FEATURE",
        "delayMs",
      ),
  );

  itWhen(caps.delay.supported && caps.delay.maxMs !== undefined, "no delay maximum")(
    "a delay above the transport's maximum is refused with a typed error naming delayMs",
    () =>
      refusedAlone(
        ctx,
        (topic) => ({ topic, value: "too-late", delayMs: (caps.delay.maxMs ?? 0) + 1 }),
        "INVALID_MESSAGE",
        "delayMs",
      ),
  );

  itWhen(caps.delay.supported, "delay is unsupported")(
    "a delayed message is accepted and arrives",
    async () => {
      const topic = await ctx.topic();
      const producer = await ctx.producer({ serializer: "string" });
      await producer.send({ topic, value: "later", delayMs: 1_000 });
      const [probed] = await ctx.read(topic, 1, ctx.readTimeoutMs + 1_000);
      expect(probed && asText(probed.value)).toBe("later");
    },
  );

  itWhen(!caps.headers.supported, "headers are supported")(
    "headers are refused with UNSUPPORTED_FEATURE naming headers",
    () =>
      refusedAlone(
        ctx,
        (topic) => ({ topic, value: "h", headers: { a: "b" } }),
        "UNSUPPORTED_FEATURE",
        "headers",
      ),
  );

  itWhen(caps.headers.supported && !caps.headers.binaryValues, "binary header values are supported")(
    "binary header values are refused with UNSUPPORTED_FEATURE naming headers",
    () =>
      refusedAlone(
        ctx,
        (topic) => ({ topic, value: "h", headers: { bin: new Uint8Array([0, 255]) } }),
        "UNSUPPORTED_FEATURE",
        "headers",
      ),
  );

  itWhen(caps.headers.supported && caps.headers.maxCount !== undefined, "no header count limit")(
    "more headers than the transport carries are refused naming the limit",
    () => {
      const count = (caps.headers.maxCount ?? 0) + 1;
      const headers = Object.fromEntries(Array.from({ length: count }, (_, i) => [`h${i}`, "v"]));
      return refusedAlone(ctx, (topic) => ({ topic, value: "h", headers }), "INVALID_MESSAGE", "headers");
    },
  );

  itWhen(!caps.partitioned, "destinations are partitioned")(
    "an explicit partition other than 0 is refused with UNSUPPORTED_FEATURE naming partition",
    () =>
      refusedAlone(ctx, (topic) => ({ topic, value: "p", partition: 1 }), "UNSUPPORTED_FEATURE", "partition"),
  );

  itWhen(!caps.timestamps, "timestamps are carried")(
    "a timestamp is refused with UNSUPPORTED_FEATURE naming timestamp",
    () =>
      refusedAlone(ctx, (topic) => ({ topic, value: "t", timestamp: 1 }), "UNSUPPORTED_FEATURE", "timestamp"),
  );
}
