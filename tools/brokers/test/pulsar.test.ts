import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { endpoints, isExternal } from "../endpoints.mjs";

// Pulsar's WebSocket API stands in for a raw client: the npm pulsar-client needs libpulsar, which does
// not install here.
const wsBase = () => endpoints().pulsarHttp.replace(/^http/, "ws");

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

function nextJson(socket: WebSocket, timeoutMs = 20_000): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no WebSocket frame in time")), timeoutMs);
    socket.once("message", (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()));
    });
  });
}

describe("pulsar broker (standalone)", () => {
  it("acknowledges a produced message and serves it back to a reader", async () => {
    const topic = `persistent/public/default/smoke-${randomUUID()}`;
    const producer = await open(`${wsBase()}/ws/v2/producer/${topic}`);
    producer.send(
      JSON.stringify({
        payload: Buffer.from("hello pulsar").toString("base64"),
        properties: { "content-type": "text/plain" },
        context: "1",
      }),
    );
    const ack = await nextJson(producer);
    producer.close();
    expect(ack.result).toBe("ok");
    expect(ack.messageId).toBeTruthy();

    const reader = await open(`${wsBase()}/ws/v2/reader/${topic}?messageId=earliest`);
    const message = (await nextJson(reader)) as unknown as {
      payload: string;
      messageId: string;
      properties?: Record<string, string>;
    };
    reader.send(JSON.stringify({ messageId: message.messageId }));
    reader.close();
    expect(Buffer.from(message.payload, "base64").toString()).toBe("hello pulsar");
    expect(message.properties?.["content-type"]).toBe("text/plain");
  });

  it("creates partitioned topics through the admin REST API", async () => {
    const name = `smoke-partitioned-${randomUUID()}`;
    const url = `${endpoints().pulsarHttp}/admin/v2/persistent/public/default/${name}/partitions`;
    const created = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "3",
    });
    expect(created.status).toBe(204);
    const metadata = (await (await fetch(url)).json()) as { partitions: number };
    expect(metadata.partitions).toBe(3);
  });
});

// The second standalone requires a token; the smoke setup starts it (it is opt-in elsewhere).
describe.skipIf(isExternal("pulsar-auth") && !process.env.OUTBOUND_TEST_PULSAR_AUTH_TOKEN)(
  "pulsar broker with token authentication",
  () => {
    const namespaceUrl = () => `${endpoints().pulsarAuthHttp}/admin/v2/namespaces/public/default`;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it("answers the admin API with a valid token and refuses it without one or with a forged one", async () => {
      const { pulsarAuthToken } = endpoints();
      expect(pulsarAuthToken).not.toBe("");
      expect((await fetch(namespaceUrl(), { headers: bearer(pulsarAuthToken) })).status).toBe(200);
      expect((await fetch(namespaceUrl())).status).toBe(401);
      const [header, payload] = pulsarAuthToken.split(".");
      const forged = `${header}.${payload}.${Buffer.from("not the signature").toString("base64url")}`;
      expect((await fetch(namespaceUrl(), { headers: bearer(forged) })).status).toBe(401);
    });

    it("accepts a WebSocket producer that presents the token, and refuses one that does not", async () => {
      const { pulsarAuthHttp, pulsarAuthToken } = endpoints();
      const url = `${pulsarAuthHttp.replace(/^http/, "ws")}/ws/v2/producer/persistent/public/default/smoke-${randomUUID()}`;
      const producer = await open(url, bearer(pulsarAuthToken));
      producer.send(JSON.stringify({ payload: Buffer.from("with token").toString("base64"), context: "1" }));
      const ack = await nextJson(producer);
      producer.close();
      expect(ack.result).toBe("ok");

      await expect(open(url)).rejects.toThrow(/401/);
    });
  },
);
