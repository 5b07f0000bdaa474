import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import amqplib from "amqplib";
import { describe, expect, it } from "vitest";
import { endpoints, isExternal } from "../endpoints.mjs";

describe("rabbitmq broker", () => {
  it("confirms a persistent message and serves it back from a queue", async () => {
    const connection = await amqplib.connect(endpoints().amqp);
    try {
      const channel = await connection.createConfirmChannel();
      const queue = `smoke-${randomUUID()}`;
      await channel.assertQueue(queue, { durable: false, autoDelete: false, exclusive: true });
      channel.publish("", queue, Buffer.from("hello rabbit"), {
        persistent: true,
        contentType: "text/plain",
      });
      await channel.waitForConfirms();

      const message = await channel.get(queue, { noAck: true });
      expect(message).not.toBe(false);
      if (message === false) return;
      expect(message.content.toString()).toBe("hello rabbit");
      expect(message.properties.contentType).toBe("text/plain");
      await channel.close();
    } finally {
      await connection.close();
    }
  });
});

// An external broker (OUTBOUND_TEST_AMQP_URL) need not have a TLS listener signed by our test CA.
describe.skipIf(isExternal("rabbitmq") && !process.env.OUTBOUND_TEST_AMQPS_URL)(
  "rabbitmq TLS listener",
  () => {
    it("accepts a client that verifies the certificate with the test CA, and confirms a message", async () => {
      const { amqps, amqpsCaFile } = endpoints();
      // The certificate names localhost too; an IP as TLS server name is deprecated in Node.
      const connection = await amqplib.connect(amqps, {
        ca: [readFileSync(amqpsCaFile)],
        servername: "localhost",
      });
      try {
        const channel = await connection.createConfirmChannel();
        const { queue } = await channel.assertQueue("", { exclusive: true });
        channel.sendToQueue(queue, Buffer.from("over tls"));
        await channel.waitForConfirms();
        const message = await channel.get(queue, { noAck: true });
        expect(message === false ? undefined : message.content.toString()).toBe("over tls");
        await channel.close();
      } finally {
        await connection.close();
      }
    });

    it("is refused by a client that does not trust the test CA", async () => {
      await expect(amqplib.connect(endpoints().amqps, { servername: "localhost" })).rejects.toThrow(
        /certificate/i,
      );
    });
  },
);
