import type {
  BatchResultErrorEntry,
  SendMessageBatchCommandInput,
  SendMessageBatchRequestEntry,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { OutboundRecord, RecordResult } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { sqsTransport } from "../../src/index.js";
import type { SqsTransport } from "../../src/transport.js";
import { bytes, record } from "./records.js";

/**
 * A scripted stand-in for SQSClient: it answers lookups and hands each SendMessageBatch to
 * `answer`. It checks the transport's bookkeeping (which entry gets which result, what is held
 * back); the behaviour of real SQS servers is covered by the ElasticMQ tests in test/.
 */
function scriptedClient(
  answer: (
    entries: SendMessageBatchRequestEntry[],
    call: number,
  ) => Promise<{
    ok?: string[];
    failed?: BatchResultErrorEntry[];
  }>,
) {
  const calls: SendMessageBatchRequestEntry[][] = [];
  const client = {
    async send(command: { input: Record<string, unknown>; constructor: { name: string } }) {
      const name = command.constructor.name;
      if (name === "GetQueueUrlCommand")
        return { QueueUrl: `http://sqs.test/000/${command.input.QueueName}` };
      if (name === "GetQueueAttributesCommand") return { Attributes: { ContentBasedDeduplication: "false" } };
      const entries = (command.input as unknown as SendMessageBatchCommandInput).Entries ?? [];
      calls.push(entries);
      const result = await answer(entries, calls.length);
      return {
        Successful: (result.ok ?? []).map((Id) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: "" })),
        Failed: result.failed ?? [],
      };
    },
    destroy() {},
  };
  return { client: client as unknown as SQSClient, calls };
}

const ctx = { signal: new AbortController().signal, timeoutMs: 10_000 };
const send = (transport: SqsTransport, topic: string, records: OutboundRecord[]) =>
  transport.send({ topic, partition: 0, acks: "all", records }, ctx);
const codes = (results: RecordResult[]) =>
  results.map((r) => (r.ok ? "ok" : `${r.error.code}/${r.error.kind}`));
const allOk = async (entries: SendMessageBatchRequestEntry[]) => ({ ok: entries.map((e) => e.Id!) });

describe("SqsTransport result bookkeeping", () => {
  it("gives each record the result of its own entry", async () => {
    const { client } = scriptedClient(async () => ({
      ok: ["0", "3"],
      failed: [
        { Id: "1", SenderFault: true, Code: "InvalidParameterValue", Message: "bad" },
        { Id: "2", SenderFault: false, Code: "InternalError" },
        { Id: "4", SenderFault: true, Code: "ThrottlingException" },
      ],
      // entry 5 is in neither list
    }));
    const transport = sqsTransport({ client });
    const results = await send(
      transport,
      "q",
      Array.from({ length: 6 }, () => record({ topic: "q" })),
    );
    expect(codes(results)).toEqual([
      "ok",
      "INVALID_MESSAGE/terminal",
      "BROKER_UNAVAILABLE/retriable",
      "ok",
      "THROTTLED/throttled",
      "PROTOCOL_ERROR/unknown-outcome",
    ]);
    expect(results[0]).toMatchObject({ ok: true, messageId: "m-0", partition: 0, acknowledged: true });
  });

  it("splits 25 records into requests of 10, 10 and 5 and sends standard-queue requests at once", async () => {
    let running = 0;
    let peak = 0;
    const { client, calls } = scriptedClient(async (entries) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return allOk(entries);
    });
    const results = await send(
      sqsTransport({ client }),
      "q",
      Array.from({ length: 25 }, () => record({ topic: "q" })),
    );
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(peak).toBe(3);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it("holds back a FIFO group's later messages after one failed retriably, and sends other groups", async () => {
    const { client, calls } = scriptedClient(async (entries, call) => {
      if (call === 1) {
        const a = entries.find((e) => e.MessageGroupId === "a")!;
        return {
          ok: entries.filter((e) => e !== a).map((e) => e.Id!),
          failed: [{ Id: a.Id, SenderFault: false, Code: "InternalError" }],
        };
      }
      return allOk(entries);
    });
    // Request 1: a0 b1..b9; request 2: a10 b11.
    const groups = ["a", ..."bbbbbbbbb", "a", "b"];
    const records = groups.map((g, i) => record({ topic: "q.fifo", key: bytes(g), id: `id-${i}` }));
    const results = await send(sqsTransport({ client }), "q.fifo", records);
    expect(codes(results)[0]).toBe("BROKER_UNAVAILABLE/retriable");
    expect(codes(results)[10]).toBe("BROKER_UNAVAILABLE/retriable");
    expect(results[10]!.ok === false && results[10]!.error.message).toContain("held back");
    expect(codes(results)[11]).toBe("ok");
    expect(calls[1]!.map((e) => e.MessageGroupId)).toEqual(["b"]);
  });

  it("starts a FIFO request only after the earlier request sharing its group settled", async () => {
    const order: string[] = [];
    const { client } = scriptedClient(async (entries, call) => {
      order.push(`start ${call}`);
      await new Promise((r) => setTimeout(r, call === 1 ? 30 : 1));
      order.push(`end ${call}`);
      return allOk(entries);
    });
    const records = Array.from({ length: 12 }, (_, i) =>
      record({ topic: "q.fifo", key: bytes("g"), id: `${i}` }),
    );
    await send(sqsTransport({ client }), "q.fifo", records);
    expect(order).toEqual(["start 1", "end 1", "start 2", "end 2"]);
  });

  it("re-sends each entry alone when SQS refuses the whole request for its content", async () => {
    const { client, calls } = scriptedClient(async (entries) => {
      if (entries.length > 1) {
        throw Object.assign(new Error("Value for parameter is invalid"), {
          name: "InvalidParameterValue",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (entries[0]!.MessageBody === "bad") {
        throw Object.assign(new Error("Value for parameter is invalid"), {
          name: "InvalidParameterValue",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        });
      }
      return allOk(entries);
    });
    const records = ["good", "bad", "good"].map((v) => record({ topic: "q", value: bytes(v) }));
    const results = await send(sqsTransport({ client }), "q", records);
    expect(codes(results)).toEqual(["ok", "INVALID_MESSAGE/terminal", "ok"]);
    expect(calls.map((c) => c.length)).toEqual([3, 1, 1, 1]);
  });

  it("rejects when the whole request failed for every record, and reports per record otherwise", async () => {
    const unreachable = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const { client } = scriptedClient(async () => {
      throw unreachable;
    });
    const transport = sqsTransport({ client });
    await expect(
      send(transport, "q", [record({ topic: "q" }), record({ topic: "q" })]),
    ).rejects.toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
    // With a locally refused record in the batch, the outcome is mixed: one result each.
    const mixed = await send(transport, "q", [
      record({ topic: "q" }),
      record({ topic: "q", delayMs: 2_000_000 }),
    ]);
    expect(codes(mixed)).toEqual(["BROKER_UNAVAILABLE/retriable", "INVALID_MESSAGE/terminal"]);
  });

  it("warns once per standard queue that message ids are not sent", async () => {
    const warnings: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_: unknown, msg?: string) => warnings.push(msg),
    };
    const { client, calls } = scriptedClient(allOk);
    const transport = sqsTransport({ client }, { logger });
    await send(transport, "q", [record({ topic: "q", id: "a" })]);
    await send(transport, "q", [record({ topic: "q", id: "b" })]);
    expect(warnings).toEqual([
      'message ids are not sent to standard queue "q": SQS deduplicates only on FIFO queues',
    ]);
    expect(calls[0]![0]!.MessageDeduplicationId).toBeUndefined();
  });

  it("does not destroy a client it was given", async () => {
    let destroyed = false;
    const { client } = scriptedClient(allOk);
    (client as unknown as { destroy: () => void }).destroy = () => {
      destroyed = true;
    };
    await sqsTransport({ client }).close();
    expect(destroyed).toBe(false);
  });
});
