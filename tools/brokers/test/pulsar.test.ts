import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { endpoints } from "../endpoints.mjs";

// Pulsar's WebSocket API stands in for a raw client: the npm pulsar-client needs libpulsar, which does
// not install here.
const wsBase = () => endpoints().pulsarHttp.replace(/^http/, "ws");

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
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
