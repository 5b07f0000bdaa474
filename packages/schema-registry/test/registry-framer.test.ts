import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OutboundError } from "@outbound/core";
import {
  HttpSchemaRegistryClient,
  MemorySchemaRegistry,
  parseConfluentFrame,
  RegistryFramer,
  type RegistrySchema,
} from "@outbound/schema-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const avroSchema: RegistrySchema = { schemaType: "AVRO", schema: '{"type":"string"}' };
const target = { serializer: "avro", schema: avroSchema, recordName: "shop.Order" };
const body = Uint8Array.of(0x02, 0x61);

describe("RegistryFramer", () => {
  it("registers under <topic>-value by default and caches the id per subject", async () => {
    const registry = new MemorySchemaRegistry({ firstId: 100 });
    const framer = new RegistryFramer({ client: registry }, target);
    const first = await framer.frame("orders", body);
    expect(parseConfluentFrame(first)).toEqual({ schemaId: 100, body });
    // Cached: synchronous, no further registry call.
    const second = framer.frame("orders", body);
    expect(second).toBeInstanceOf(Uint8Array);
    expect(registry.calls).toEqual([{ method: "register", subject: "orders-value" }]);
    expect(registry.listSubjects()).toEqual(["orders-value"]);
  });

  it("shares one request between concurrent first sends", async () => {
    const registry = new MemorySchemaRegistry();
    const framer = new RegistryFramer({ client: registry }, target);
    await Promise.all([framer.frame("a", body), framer.frame("a", body), framer.frame("a", body)]);
    expect(registry.calls).toHaveLength(1);
  });

  it("uses the record name with the record strategy, one subject for every topic", async () => {
    const registry = new MemorySchemaRegistry();
    const framer = new RegistryFramer({ client: registry, subjectNameStrategy: "record" }, target);
    await framer.frame("a", body);
    await framer.frame("b", body);
    expect(registry.listSubjects()).toEqual(["shop.Order"]);
    expect(registry.calls).toHaveLength(1);
    expect(
      new RegistryFramer({ client: registry, subjectNameStrategy: "topic-record" }, target).subject("t"),
    ).toBe("t-shop.Order");
    expect(
      new RegistryFramer(
        { client: registry, subjectNameStrategy: ({ topic }) => `x.${topic}` },
        target,
      ).subject("t"),
    ).toBe("x.t");
  });

  it("with autoRegister off, looks the id up and fails a schema that is not registered", async () => {
    const registry = new MemorySchemaRegistry();
    const framer = new RegistryFramer({ client: registry, autoRegister: false }, target);
    const error = await Promise.resolve(framer.frame("orders", body)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({
      code: "SERIALIZATION_FAILED",
      kind: "terminal",
      details: { subject: "orders-value" },
    });
    // Not cached: once registered, the next message goes through.
    registry.add("orders-value", avroSchema, 9);
    expect(parseConfluentFrame(await framer.frame("orders", body)).schemaId).toBe(9);
    expect(registry.calls.map((c) => c.method)).toEqual(["getId", "getId"]);
  });

  it("frames with a fixed id without a registry", () => {
    const framed = new RegistryFramer({ schemaId: 5 }, target).frame("t", body) as Uint8Array;
    expect(parseConfluentFrame(framed).schemaId).toBe(5);
    expect(() => new RegistryFramer({}, target)).toThrow(/url, client or schemaId/);
    expect(() => new RegistryFramer({ schemaId: -1 }, target)).toThrow(/schemaId/);
  });
});

/**
 * The HTTP client against a local stand-in that answers the two REST calls the way Confluent's
 * registry documents them. It checks the requests this client sends, not a registry's behaviour.
 */
describe("HttpSchemaRegistryClient", () => {
  const requests: { method?: string; url?: string; auth?: string; contentType?: string; body: unknown }[] =
    [];
  let baseUrl = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      requests.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        contentType: req.headers["content-type"],
        body: JSON.parse(text),
      });
      res.setHeader("content-type", "application/vnd.schemaregistry.v1+json");
      if (req.url === "/subjects/missing-value") {
        res.statusCode = 404;
        res.end(JSON.stringify({ error_code: 40403, message: "Schema not found" }));
      } else if (req.url?.endsWith("/versions")) {
        res.end(JSON.stringify({ id: 31 }));
      } else {
        res.end(JSON.stringify({ subject: "x", version: 1, id: 17, schema: "{}" }));
      }
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("registers with POST /subjects/<subject>/versions and looks up with POST /subjects/<subject>", async () => {
    requests.length = 0;
    const client = new HttpSchemaRegistryClient({ url: baseUrl.replace("http://", "http://user:s3cret@") });
    expect(client.url).not.toContain("s3cret");
    await expect(client.register("orders-value", avroSchema)).resolves.toBe(31);
    await expect(client.getId("a/b", { schemaType: "PROTOBUF", schema: 'syntax = "proto3";' })).resolves.toBe(
      17,
    );
    expect(requests[0]).toEqual({
      method: "POST",
      url: "/subjects/orders-value/versions",
      auth: `Basic ${Buffer.from("user:s3cret").toString("base64")}`,
      contentType: "application/vnd.schemaregistry.v1+json",
      // No schemaType for Avro: older registries reject the field.
      body: { schema: '{"type":"string"}' },
    });
    expect(requests[1]).toMatchObject({ url: "/subjects/a%2Fb", body: { schemaType: "PROTOBUF" } });
  });

  it("turns a 404 into a typed error through the framer, without the credentials", async () => {
    const client = new HttpSchemaRegistryClient({ url: baseUrl, bearerToken: "tok3n" });
    const framer = new RegistryFramer({ client, autoRegister: false }, target);
    const error = (await Promise.resolve(framer.frame("missing", body)).catch(
      (e: unknown) => e,
    )) as OutboundError;
    expect(error.code).toBe("SERIALIZATION_FAILED");
    expect(error.message).toContain('not registered under subject "missing-value"');
    expect(error.details).toMatchObject({ status: 404, registryErrorCode: 40403 });
    expect(requests.at(-1)?.auth).toBe("Bearer tok3n");
    expect(JSON.stringify(error.toJSON())).not.toContain("tok3n");
  });

  it("reports an unreachable registry as SERIALIZATION_FAILED naming the subject, not the password", async () => {
    const framer = new RegistryFramer(
      { url: "http://user:pw-123@127.0.0.1:1", requestTimeoutMs: 2000 },
      target,
    );
    const error = (await Promise.resolve(framer.frame("orders", body)).catch(
      (e: unknown) => e,
    )) as OutboundError;
    expect(error.code).toBe("SERIALIZATION_FAILED");
    expect(error.message).toContain('"orders-value"');
    expect(error.message).not.toContain("pw-123");
  });
});
