import type { Producer } from "@outbound/core";
import { expect, it } from "vitest";
import { asText, hex } from "../bytes.js";
import type { ContractContext } from "../context.js";
import { installNote, loadOptional } from "../optional-module.js";
import type { ProbedMessage } from "../probe.js";

type CloudEventsModule = typeof import("@outbound/cloudevents");

/**
 * Where each binding puts a binary-mode attribute, written out from the specs rather than read
 * from @outbound/cloudevents, so the package cannot vouch for itself: Kafka binding 3.2.3.1
 * (`ce_`), AMQP binding 3.1.3.1 (`cloudEvents:`, RabbitMQ headers), and the documented `ce_`
 * of docs/guide/cloudevents.md for SQS attributes, Pulsar properties and the memory broker.
 */
const HEADER_PREFIX: Record<string, string> = {
  kafka: "ce_",
  kafkajs: "ce_",
  rabbitmq: "cloudEvents:",
  sqs: "ce_",
  pulsar: "ce_",
  memory: "ce_",
};

const SOURCE = "/outbound/contract";

interface CloudEventsSetUp {
  ce: CloudEventsModule;
  producer: Producer;
  /** The binding's header prefix for the producer's transport. */
  prefix: string;
  skip: (note: string) => void;
}

/** The packaged module and a producer, or a skip when either the package or a binding is missing. */
async function setUp(
  ctx: ContractContext,
  skip: (note: string) => void,
): Promise<CloudEventsSetUp | undefined> {
  const ce = await loadOptional(() => import("@outbound/cloudevents"), "@outbound/cloudevents");
  if (!ce) {
    skip(installNote("@outbound/cloudevents"));
    return undefined;
  }
  const producer = await ctx.producer({ serializer: "json" });
  const prefix = HEADER_PREFIX[producer.transportName];
  if (prefix === undefined) {
    skip(`no CloudEvents binding is documented for transport "${producer.transportName}"`);
    return undefined;
  }
  return { ce, producer, prefix, skip };
}

/** A test that needs @outbound/cloudevents and a documented binding, and skips without them. */
function itWithCloudEvents(
  ctx: ContractContext,
  title: string,
  body: (set: CloudEventsSetUp) => Promise<void>,
): void {
  it(title, async ({ skip }) => {
    const set = await setUp(ctx, skip);
    if (set) await body(set);
  });
}

function contentTypeOf(probed: ProbedMessage): string | undefined {
  const carried = probed.contentType ?? probed.headers["content-type"];
  return carried === undefined ? undefined : asText(carried);
}

function attributeHeaders(probed: ProbedMessage, prefix: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, value] of Object.entries(probed.headers)) {
    if (name.startsWith(prefix)) found[name] = asText(value);
  }
  return found;
}

/** The required attributes, with an id no other run of the suite uses. */
function required(kind: string) {
  return {
    specversion: "1.0",
    id: `${kind}-${Math.random().toString(36).slice(2, 10)}`,
    source: SOURCE,
    type: `dev.outbound.contract.${kind}`,
  };
}

/** Sends one event to a fresh single-partition destination and returns what the broker holds. */
async function sendOneAndRead(
  ctx: ContractContext,
  sender: { send(topic: string, event: Record<string, unknown>): Promise<unknown> },
  event: Record<string, unknown>,
): Promise<ProbedMessage> {
  const topic = await ctx.topic({ partitions: 1 });
  await sender.send(topic, event);
  const [probed] = await ctx.read(topic, 1);
  expect(probed, "the event did not arrive").toBeDefined();
  return probed as ProbedMessage;
}

/**
 * CloudEvents: events sent through `@outbound/cloudevents` sit where the broker's protocol
 * binding says, read back with the broker's own client.
 */
export function cloudEventsTests(ctx: ContractContext): void {
  const keysArrive = ctx.capabilities.keyOrdering !== "none";

  itWithCloudEvents(
    ctx,
    "binary mode: each attribute is a header named by the binding, the data is the value, datacontenttype the content type",
    async ({ ce, producer, prefix }) => {
      // 8 attribute headers: with SQS's content-type and key attributes, exactly its 10 (the SQS
      // transport's 8 headers).
      const event = {
        ...required("binary"),
        subject: "ord-1001 ünïcødé",
        time: "2026-01-02T03:04:05.678Z",
        datacontenttype: "application/json",
        partitionkey: "customer-7",
        tenant: "acme",
        data: { totalCents: 4200, note: "héllo ✓" },
      };
      const message = await sendOneAndRead(ctx, ce.cloudEvents(producer), event);
      const { data, datacontenttype, ...attributes } = event;
      expect(attributeHeaders(message, prefix)).toEqual(
        Object.fromEntries(Object.entries(attributes).map(([name, value]) => [prefix + name, value])),
      );
      expect(contentTypeOf(message)).toBe(datacontenttype);
      expect(JSON.parse(asText(message.value))).toEqual(data);
      if (keysArrive)
        expect(asText(message.key ?? "<no key>"), "partitionkey is the message key").toBe("customer-7");
      // And the package's reader gets the same event back from what the broker holds.
      const { key: _key, ...received } = message;
      expect(ce.fromMessage(received, ce.bindingFor(producer.transportName))).toEqual(event);
    },
  );

  itWithCloudEvents(
    ctx,
    "binary mode: bytes data arrives byte-exact with its datacontenttype as the content type",
    async ({ ce, producer, prefix }) => {
      const data = Uint8Array.from({ length: 256 }, (_, i) => i);
      const event = { ...required("bytes"), datacontenttype: "application/vnd.outbound.test", data };
      const message = await sendOneAndRead(ctx, ce.cloudEvents(producer), event);
      expect(hex(message.value)).toBe(hex(data));
      expect(contentTypeOf(message)).toBe("application/vnd.outbound.test");
      expect(asText(message.headers[`${prefix}id`] ?? "<missing>")).toBe(event.id);
    },
  );

  itWithCloudEvents(
    ctx,
    "structured mode: the whole event is the JSON value, as application/cloudevents+json, with no attribute headers",
    async ({ ce, producer, prefix }) => {
      const event = {
        ...required("structured"),
        datacontenttype: "application/json",
        count: 3,
        data: { n: 42 },
      };
      const message = await sendOneAndRead(ctx, ce.cloudEvents(producer, { mode: "structured" }), event);
      expect(contentTypeOf(message)).toBe("application/cloudevents+json; charset=utf-8");
      expect(JSON.parse(asText(message.value))).toEqual(event);
      expect(attributeHeaders(message, prefix)).toEqual({});
    },
  );

  itWithCloudEvents(
    ctx,
    "an invalid event fails alone with INVALID_MESSAGE naming the attribute; the valid ones around it arrive",
    async ({ ce, producer, prefix }) => {
      const topic = await ctx.topic();
      const first = { ...required("batch"), data: 1 };
      const third = { ...required("batch"), data: 3 };
      const { source: _source, ...noSource } = required("batch");
      const settled = await ce
        .cloudEvents(producer)
        .sendMany(topic, [first, noSource as never, third, { ...required("batch"), time: "yesterday" }]);
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
      const reasons = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
      expect(reasons.map((r) => [r.code, r.details?.attribute])).toEqual([
        ["INVALID_MESSAGE", "source"],
        ["INVALID_MESSAGE", "time"],
      ]);
      const arrived = await ctx.readSettled(topic, 2);
      expect(arrived.map((m) => asText(m.headers[`${prefix}id`] ?? "<missing>")).sort()).toEqual(
        [first.id, third.id].sort(),
      );
    },
  );

  itWithCloudEvents(
    ctx,
    "a transport's header limit (SQS: 10 attributes, 8 headers): one over is refused naming the count, or sent structured when asked",
    async ({ ce, producer, prefix, skip }) => {
      await producer.connect();
      const limit = producer.capabilities?.headers.maxCount;
      if (limit === undefined) return skip(`the ${producer.transportName} transport has no header limit`);
      const topic = await ctx.topic();
      const extensions = (n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`ext${i}`, `v${i}`]));
      // The 4 required attributes and limit - 4 extensions fill the transport's headers exactly.
      const fits = { ...required("limit"), ...extensions(limit - 4), data: { fits: true } };
      const over = { ...required("limit"), ...extensions(limit - 3), data: { fits: false } };

      const binary = ce.cloudEvents(producer);
      await binary.send(topic, fits);
      const refused = await binary.send(topic, over).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ code: "INVALID_MESSAGE", kind: "terminal" });
      expect((refused as Error).message).toContain(`needs ${limit + 1} headers in binary mode`);
      await ce.cloudEvents(producer, { attributeOverflow: "structured" }).send(topic, over);

      const arrived = await ctx.readSettled(topic, 2);
      expect(arrived).toHaveLength(2);
      const asBinary = arrived.find((m) => contentTypeOf(m) === "application/json");
      const asStructured = arrived.find(
        (m) => contentTypeOf(m) === "application/cloudevents+json; charset=utf-8",
      );
      expect(asBinary, "the event at the limit did not arrive in binary mode").toBeDefined();
      expect(Object.keys(attributeHeaders(asBinary as ProbedMessage, prefix))).toHaveLength(limit);
      expect(asStructured, "the event over the limit did not arrive structured").toBeDefined();
      expect(JSON.parse(asText((asStructured as ProbedMessage).value))).toEqual(over);
    },
  );
}
