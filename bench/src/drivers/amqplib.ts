import { type ChannelModel, type ConfirmChannel, connect } from "amqplib";
import type { Driver, DriverContext } from "./driver.js";

/**
 * Raw amqplib on a confirm channel: persistent messages to the queue through the default exchange,
 * as @outbound/rabbitmq publishes in `queue` mode. Each publish resolves on its own broker confirm;
 * `serial` mode then awaits each confirm and `max` mode pipelines `window` of them.
 */
export function amqplibDriver(ctx: DriverContext): Driver {
  const { spec, payloads } = ctx;
  let connection: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  const queue = spec.topic;
  const publish = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const key = payloads.key(i);
      channel!.publish(
        "",
        queue,
        payloads.value(i),
        {
          persistent: true,
          contentType: "application/octet-stream",
          ...(key ? { headers: { "x-key": key.toString() } } : {}),
        },
        (error: unknown) => (error ? reject(error) : resolve()),
      );
    });
  return {
    batched: false,
    connect: async () => {
      connection = await connect(spec.endpoints.amqpUrl);
      channel = await connection.createConfirmChannel();
      await channel.assertQueue(queue, { durable: true });
    },
    sendOne: publish,
    close: async () => {
      await channel?.close().catch(() => undefined);
      await connection?.close().catch(() => undefined);
    },
  };
}
