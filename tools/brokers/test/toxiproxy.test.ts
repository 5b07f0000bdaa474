import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { endpoints } from "../endpoints.mjs";

const api = (path: string, init?: RequestInit) =>
  fetch(`${endpoints().toxiproxy}${path}`, { ...init, headers: { "content-type": "application/json" } });

describe("toxiproxy", () => {
  it("reports its version", async () => {
    const response = await api("/version");
    expect(response.status).toBe(200);
    expect((await response.text()).length).toBeGreaterThan(0);
  });

  it("proxies to a broker and injects latency", async () => {
    const name = `smoke-${randomUUID()}`;
    const upstream = new URL(endpoints().sqs).host;
    const created = await api("/proxies", {
      method: "POST",
      body: JSON.stringify({ name, listen: "127.0.0.1:0", upstream, enabled: true }),
    });
    expect(created.status).toBe(201);
    const { listen } = (await created.json()) as { listen: string };
    try {
      const listQueues = () =>
        fetch(`http://${listen}/`, {
          method: "POST",
          headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ListQueues" },
          body: "{}",
        });
      expect((await listQueues()).status).toBe(200);

      const toxic = await api(`/proxies/${name}/toxics`, {
        method: "POST",
        body: JSON.stringify({ type: "latency", stream: "downstream", attributes: { latency: 300 } }),
      });
      expect(toxic.status).toBe(200);
      const started = performance.now();
      expect((await listQueues()).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await api(`/proxies/${name}`, { method: "DELETE" });
    }
  });
});
