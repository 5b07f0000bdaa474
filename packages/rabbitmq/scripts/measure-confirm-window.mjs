// Measures publish throughput against the confirm window size on the local RabbitMQ, with the
// same discipline the transport uses: at most N unconfirmed publishes, honour 'drain'.
// Usage: node packages/rabbitmq/scripts/measure-confirm-window.mjs [messages=20000] [bytes=1024] [rounds=3]
import { connect } from "amqplib";

const url = process.env.OUTBOUND_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const messages = Number(process.argv[2] ?? 20000);
const size = Number(process.argv[3] ?? 1024);
const rounds = Number(process.argv[4] ?? 3);
const windows = [1, 50, 200, 500, 1000, 2000];
const queue = `outbound-confirm-window-${process.pid}`;

async function run(channel, window) {
  // Awaiting each confirm is two orders of magnitude slower: a short run is enough to show it.
  const count = window === 1 ? Math.min(messages, 1000) : messages;
  const body = Buffer.alloc(size, 120);
  let outstanding = 0;
  let wake;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    while (outstanding >= window) {
      await new Promise((resolve) => {
        wake = resolve;
      });
    }
    outstanding += 1;
    const room = channel.publish("", queue, body, { persistent: true, mandatory: true }, (err) => {
      if (err) throw err;
      outstanding -= 1;
      wake?.();
    });
    if (!room) await new Promise((resolve) => channel.once("drain", resolve));
  }
  await channel.waitForConfirms();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

const model = await connect(url);
const channel = await model.createConfirmChannel();
await channel.assertQueue(queue, { durable: true });
const results = {};
for (let round = 0; round < rounds; round++) {
  for (const window of windows) {
    await channel.purgeQueue(queue);
    const rate = await run(channel, window);
    results[window] = [...(results[window] ?? []), rate];
  }
}
await channel.deleteQueue(queue);
await model.close();
console.log(`${messages} x ${size} B persistent, confirm channel, ${rounds} rounds (msg/s):`);
for (const window of windows) {
  const r = results[window].sort((a, b) => a - b);
  console.log(
    `window ${String(window).padStart(5)}: median ${Math.round(r[Math.floor(r.length / 2)])}  runs ${r.map(Math.round).join(", ")}`,
  );
}
