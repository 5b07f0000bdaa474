import { describe, expect, it } from "vitest";
import { decodeAttribute } from "../../src/attributes.js";
import { fifoToken } from "../../src/fifo.js";
import { mapRecord } from "../../src/mapping.js";
import { sqsMessageSize } from "../../src/sizing.js";
import { bytes, fifoQueue, record, standardQueue } from "./records.js";

const limits = { maxMessageBytes: 1024 * 1024 };

function mapped(result: ReturnType<typeof mapRecord>) {
  if (!result.ok) throw result.error;
  return result.mapped;
}
function failure(result: ReturnType<typeof mapRecord>) {
  if (result.ok) throw new Error("expected the record to be refused");
  return result.error;
}

describe("mapRecord: attributes", () => {
  it("carries the content type, the key and headers as String or Binary attributes", () => {
    const { entry } = mapped(
      mapRecord(
        record({ key: bytes("user-1"), headers: { trace: "abc", blob: new Uint8Array([0, 1]) } }),
        standardQueue,
        limits,
      ),
    );
    expect(entry.MessageBody).toBe("hello");
    expect(entry.MessageAttributes).toEqual({
      trace: { DataType: "String", StringValue: "abc" },
      blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1]) },
      "outbound-key": { DataType: "String", StringValue: "user-1" },
      "content-type": { DataType: "String", StringValue: "text/plain" },
    });
  });

  it("sends a binary key as a Binary attribute, byte-exact", () => {
    const key = new Uint8Array([0, 200, 255]);
    const { entry } = mapped(mapRecord(record({ key }), standardQueue, limits));
    expect(decodeAttribute(entry.MessageAttributes!["outbound-key"]!)).toEqual(key);
  });

  it("carries empty header values through placeholders that read back empty", () => {
    const { entry } = mapped(
      mapRecord(record({ headers: { e: "", b: new Uint8Array(0) } }), standardQueue, limits),
    );
    expect(decodeAttribute(entry.MessageAttributes!.e!)).toBe("");
    expect(decodeAttribute(entry.MessageAttributes!.b!)).toEqual(new Uint8Array(0));
  });

  it("marks a base64 body on the content-type attribute's data type", () => {
    const { entry } = mapped(mapRecord(record({ value: new Uint8Array([0, 1]) }), standardQueue, limits));
    expect(entry.MessageBody).toBe("AAE=");
    expect(entry.MessageAttributes!["content-type"]!.DataType).toBe("String.base64");
  });

  it("refuses an 11th attribute, counting the content type and key, and names the limit", () => {
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`h${i}`, "v"]));
    expect(mapRecord(record({ headers: nine }), standardQueue, limits).ok).toBe(true);
    const error = failure(mapRecord(record({ headers: nine, key: bytes("k") }), standardQueue, limits));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toContain("9 headers");
    expect(error.message).toContain("11 message attributes, over SQS's limit of 10");
  });

  it("refuses reserved, malformed and AWS-prefixed header names", () => {
    for (const name of [
      "content-type",
      "outbound-key",
      "has space",
      "AWS.trace",
      "amazon.x",
      ".dot",
      "a..b",
      "x".repeat(257),
    ]) {
      const error = failure(mapRecord(record({ headers: { [name]: "v" } }), standardQueue, limits));
      expect(error.code).toBe("INVALID_MESSAGE");
      expect(error.message).toContain(`header "${name}"`);
    }
  });

  it("carries String header values SQS refuses as Binary.text, which reads back as the same string", () => {
    const { entry } = mapped(
      mapRecord(record({ headers: { odd: "nul\u0000 and \uFFFF" } }), standardQueue, limits),
    );
    expect(entry.MessageAttributes!.odd!.DataType).toBe("Binary.text");
    expect(decodeAttribute(entry.MessageAttributes!.odd!)).toBe("nul\u0000 and \uFFFF");
  });
});

describe("mapRecord: size as SQS counts it", () => {
  it("counts body bytes plus each attribute's name, data type and value", () => {
    const { entry, sizeBytes } = mapped(
      mapRecord(
        record({ value: bytes("héllo"), headers: { ab: "xyz", bin: new Uint8Array(4) } }),
        standardQueue,
        limits,
      ),
    );
    // body 6 + "ab"+"String"+"xyz" 11 + "bin"+"Binary"+4 13 + "content-type"+"String"+"text/plain" 28
    expect(sizeBytes).toBe(6 + 11 + 13 + 28);
    expect(sqsMessageSize(entry.MessageBody!, entry.MessageAttributes!)).toBe(sizeBytes);
  });

  it("counts a binary body at its base64 size", () => {
    const { sizeBytes } = mapped(mapRecord(record({ value: new Uint8Array(300) }), standardQueue, limits));
    expect(sizeBytes).toBe(400 + "content-type".length + "String.base64".length + "text/plain".length);
  });

  it("fails an oversize message with MESSAGE_TOO_LARGE and both sizes", () => {
    const small = { maxMessageBytes: 256 * 1024 };
    const value = new Uint8Array(256 * 1024 + 20).fill(0x61);
    const error = failure(mapRecord(record({ value }), standardQueue, small));
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
    expect(error.message).toMatch(
      /^\[outbound\] \[sqs\] message of 256(\.\d)? KiB exceeds the 256 KiB limit/,
    );
    expect(error.kind).toBe("terminal");
  });

  it("moves a binary value whose base64 would pass the limit into a raw Binary attribute", () => {
    const value = new Uint8Array(900 * 1024).fill(0xff);
    const { entry, sizeBytes } = mapped(mapRecord(record({ value }), standardQueue, limits));
    expect(entry.MessageBody).toBe(" ");
    const body = entry.MessageAttributes!["outbound-body"]!;
    expect(body.DataType).toBe("Binary");
    // Buffer.equals: a deep toEqual over 900 KiB takes seconds.
    expect(Buffer.from(body.BinaryValue!).equals(Buffer.from(value))).toBe(true);
    expect(entry.MessageAttributes!["content-type"]!.DataType).toBe("String.outbound-body");
    expect(sizeBytes).toBe(
      1 +
        "outbound-body".length +
        "Binary".length +
        value.length +
        "content-type".length +
        "String.outbound-body".length +
        "text/plain".length,
    );
  });

  it("keeps a binary value in base64 when no attribute is free, and says why it is too large", () => {
    const eight = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`h${i}`, "v"]));
    const value = new Uint8Array(900 * 1024).fill(0xff);
    const error = failure(
      mapRecord(record({ value, key: bytes("k"), headers: eight }), standardQueue, limits),
    );
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
    expect(error.message).toContain("base64 because all 10 attributes are taken");
  });

  it("fails a binary value too large even raw", () => {
    const error = failure(
      mapRecord(record({ value: new Uint8Array(1024 * 1024).fill(0xff) }), standardQueue, limits),
    );
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
    expect(error.message).toContain("sent raw in a Binary attribute");
  });

  it("accepts a message exactly at the limit", () => {
    const overhead = "content-type".length + "String".length + "text/plain".length;
    const value = new Uint8Array(1000 - overhead).fill(0x61);
    expect(mapRecord(record({ value }), standardQueue, { maxMessageBytes: 1000 }).ok).toBe(true);
    const over = new Uint8Array(1001 - overhead).fill(0x61);
    expect(mapRecord(record({ value: over }), standardQueue, { maxMessageBytes: 1000 }).ok).toBe(false);
  });
});

describe("mapRecord: delay", () => {
  it("rounds delayMs up to whole DelaySeconds on standard queues", () => {
    expect(mapped(mapRecord(record({ delayMs: 1500 }), standardQueue, limits)).entry.DelaySeconds).toBe(2);
    expect(mapped(mapRecord(record({ delayMs: 900_000 }), standardQueue, limits)).entry.DelaySeconds).toBe(
      900,
    );
    expect(
      mapped(mapRecord(record({ delayMs: 0 }), standardQueue, limits)).entry.DelaySeconds,
    ).toBeUndefined();
  });

  it("refuses a delay above 900 s or below zero", () => {
    for (const delayMs of [900_001, -1, Number.NaN]) {
      const error = failure(mapRecord(record({ delayMs }), standardQueue, limits));
      expect(error.code).toBe("INVALID_MESSAGE");
      expect(error.message).toContain("0 to 900000 ms");
    }
  });

  it("refuses a per-message delay on a FIFO queue with UNSUPPORTED_FEATURE", () => {
    const error = failure(mapRecord(record({ key: bytes("g"), id: "1", delayMs: 1000 }), fifoQueue, limits));
    expect(error.code).toBe("UNSUPPORTED_FEATURE");
    expect(error.message).toContain("queue's DelaySeconds");
  });
});

describe("mapRecord: FIFO", () => {
  it("maps key to MessageGroupId and id to MessageDeduplicationId", () => {
    const { entry, groupId } = mapped(
      mapRecord(record({ key: bytes("order-7"), id: "m-1" }), fifoQueue, limits),
    );
    expect(entry.MessageGroupId).toBe("order-7");
    expect(groupId).toBe("order-7");
    expect(entry.MessageDeduplicationId).toBe("m-1");
  });

  it("hashes keys and ids SQS would refuse, the same way every time", () => {
    const key = bytes("user 42 ü");
    const a = mapped(mapRecord(record({ key, id: "id with spaces" }), fifoQueue, limits)).entry;
    const b = mapped(mapRecord(record({ key, id: "id with spaces" }), fifoQueue, limits)).entry;
    expect(a.MessageGroupId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.MessageGroupId).toBe(b.MessageGroupId);
    expect(a.MessageDeduplicationId).toBe(b.MessageDeduplicationId);
    expect(fifoToken("x".repeat(129))).toHaveLength(43);
    expect(fifoToken("x".repeat(128))).toBe("x".repeat(128));
  });

  it("needs a key on a FIFO queue", () => {
    const error = failure(mapRecord(record({ id: "1" }), fifoQueue, limits));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toContain("needs a key");
  });

  it("needs an id unless the queue has content-based deduplication", () => {
    const error = failure(mapRecord(record({ key: bytes("g") }), fifoQueue, limits));
    expect(error.message).toContain("no content-based deduplication");
    const cbd = { ...fifoQueue, contentBasedDeduplication: true };
    const { entry } = mapped(mapRecord(record({ key: bytes("g") }), cbd, limits));
    expect(entry.MessageDeduplicationId).toBeUndefined();
  });

  it("sends neither group nor dedup id to a standard queue", () => {
    const { entry, groupId } = mapped(mapRecord(record({ key: bytes("g"), id: "1" }), standardQueue, limits));
    expect(entry.MessageGroupId).toBeUndefined();
    expect(entry.MessageDeduplicationId).toBeUndefined();
    expect(groupId).toBeUndefined();
  });
});
