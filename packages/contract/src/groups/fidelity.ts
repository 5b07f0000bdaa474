import { expect, it } from "vitest";
import { asBytes, asText, hex } from "../bytes.js";
import type { ContractContext } from "../context.js";
import type { ProbedMessage } from "../probe.js";
import { itWhen } from "../skip.js";

const UNICODE = "héllo wörld ✓ 日本語 🚀 \u0000 end";

async function sendOne(
  ctx: ContractContext,
  overrides: Record<string, unknown>,
  message: Record<string, unknown>,
) {
  const topic = await ctx.topic();
  const producer = await ctx.producer(overrides);
  const report = await producer.send({ topic, value: null, ...message });
  const [probed] = await ctx.read(topic, 1);
  expect(probed, "the message did not arrive").toBeDefined();
  return { report, probed: probed as ProbedMessage };
}

/** Fidelity: value, key and headers arrive byte for byte. */
export function fidelityTests(ctx: ContractContext): void {
  const caps = ctx.capabilities;

  it("a binary value with every byte value arrives byte-exact", async () => {
    const value = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
    const { probed } = await sendOne(ctx, { serializer: "bytes" }, { value });
    expect(hex(probed.value)).toBe(hex(value));
  });

  it("an empty value arrives empty", async () => {
    const { probed } = await sendOne(ctx, { serializer: "bytes" }, { value: new Uint8Array(0) });
    expect(probed.value.byteLength).toBe(0);
  });

  it("a unicode string value arrives as the same UTF-8 bytes", async () => {
    const { probed } = await sendOne(ctx, { serializer: "string" }, { value: UNICODE });
    expect(hex(probed.value)).toBe(hex(UNICODE));
  });

  it("a JSON value arrives as its JSON text with content type application/json", async () => {
    const value = { id: "o-1", total: 12.5, items: [1, 2], note: UNICODE };
    const { probed } = await sendOne(ctx, { serializer: "json" }, { value });
    expect(JSON.parse(asText(probed.value))).toEqual(value);
    // Each transport puts the content type on its broker's carrier: a property or a header.
    const carried = probed.contentType ?? probed.headers["content-type"];
    expect(carried === undefined ? undefined : asText(carried)).toBe("application/json");
  });

  it("a Buffer value under the default JSON serializer arrives as its own bytes, as application/octet-stream", async () => {
    // JSON.stringify would store {"type":"Buffer","data":[...]}: bytes are never re-encoded.
    const value = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
    const { probed } = await sendOne(ctx, {}, { value });
    expect(hex(probed.value)).toBe(hex(value));
    const carried = probed.contentType ?? probed.headers["content-type"];
    expect(carried === undefined ? undefined : asText(carried)).toBe("application/octet-stream");
  });

  itWhen(caps.keyOrdering !== "none", "keys do not reach this broker")(
    "a unicode key arrives byte-exact",
    async () => {
      const key = `key-${UNICODE}`;
      const { probed } = await sendOne(ctx, { serializer: "string" }, { value: "v", key });
      expect(probed.key, "the probe saw no key").toBeDefined();
      expect(hex(probed.key as Uint8Array)).toBe(hex(key));
    },
  );

  itWhen(caps.headers.supported, "no headers")(
    "text headers arrive byte-exact, including unicode and empty values",
    async () => {
      const headers = { "x-trace": "abc-123", "x-unicode": UNICODE, "x-empty": "" };
      const { probed } = await sendOne(ctx, { serializer: "string" }, { value: "v", headers });
      for (const [name, value] of Object.entries(headers)) {
        expect(probed.headers[name], `header ${name} missing`).toBeDefined();
        expect(hex(probed.headers[name] as string | Uint8Array), `header ${name}`).toBe(hex(value));
      }
    },
  );

  itWhen(caps.headers.supported && caps.headers.binaryValues, "headers are text only")(
    "binary header values arrive byte-exact",
    async () => {
      const binary = Uint8Array.from([0, 1, 2, 253, 254, 255, 0x80, 0xc3]);
      const { probed } = await sendOne(
        ctx,
        { serializer: "string" },
        { value: "v", headers: { "x-bin": binary } },
      );
      expect(probed.headers["x-bin"], "binary header missing").toBeDefined();
      expect(hex(asBytes(probed.headers["x-bin"] as string | Uint8Array))).toBe(hex(binary));
    },
  );

  itWhen(caps.headers.supported, "no headers")("as many headers as the transport allows arrive", async () => {
    // One slot is left for the content type, which some transports carry as a header.
    const count = Math.min((caps.headers.maxCount ?? 21) - 1, 20);
    const headers = Object.fromEntries(Array.from({ length: count }, (_, i) => [`h-${i}`, `v-${i}`]));
    const { probed } = await sendOne(ctx, { serializer: "string" }, { value: "v", headers });
    for (const [name, value] of Object.entries(headers)) {
      expect(asText((probed.headers[name] ?? "<missing>") as string | Uint8Array), name).toBe(value);
    }
  });

  itWhen(caps.timestamps, "no message timestamps")(
    "the message timestamp reaches the broker",
    async ({ skip }) => {
      const timestamp = 1_600_000_000_123;
      const { probed } = await sendOne(ctx, { serializer: "string" }, { value: "v", timestamp });
      skip(probed.timestamp === undefined, "the probe cannot read message timestamps");
      expect(probed.timestamp).toBe(timestamp);
    },
  );
}
