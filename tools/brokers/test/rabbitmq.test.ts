import { randomUUID } from "node:crypto";
import amqplib from "amqplib";
import { describe, expect, it } from "vitest";
import { endpoints } from "../endpoints.mjs";

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
