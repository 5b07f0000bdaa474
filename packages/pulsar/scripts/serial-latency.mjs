// Awaited-send latency against a local broker, split into client and broker time.
// Not a test: run after `pnpm --filter @outbound/core --filter @outbound/pulsar build`:
//   node packages/pulsar/scripts/serial-latency.mjs [topic] [count]
// Compare a persistent topic with `non-persistent://public/default/x` to see the storage share.
import net from "node:net";
import { createProducer } from "@outbound/core";
import { pulsarTransport } from "../dist/index.js";

const url = process.env.OUTBOUND_TEST_PULSAR_URL ?? "pulsar://127.0.0.1:6650";
const topic = process.argv[2] ?? `serial-${Date.now()}`;
const count = Number(process.argv[3] ?? 300);

// Stamp socket writes and reads to split client time from broker time.
let lastWrite = 0;
let lastData = 0;
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (...args) {
  lastWrite = performance.now();
  return write.apply(this, args);
};
const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (event, ...args) {
  if (event === "data") lastData = performance.now();
  return emit.call(this, event, ...args);
};

const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
const p99 = (values) => values.sort((a, b) => a - b)[Math.floor(values.length * 0.99)];

const producer = createProducer({ transport: pulsarTransport({ serviceUrl: url }), serializer: "string" });
await producer.send({ topic, value: "warm-up" });
const total = [];
const client = [];
const broker = [];
const started = performance.now();
for (let i = 0; i < count; i++) {
  const begin = performance.now();
  await producer.send({ topic, value: `message-${i}` });
  const end = performance.now();
  total.push(end - begin);
  broker.push(lastData - lastWrite);
  client.push(end - begin - (lastData - lastWrite));
}
const seconds = (performance.now() - started) / 1000;
await producer.close();
console.log(
  `${topic}: ${(count / seconds).toFixed(0)} msg/s awaited; per send median ${median(total).toFixed(2)} ms ` +
    `(broker ${median(broker).toFixed(2)} ms, client ${median(client).toFixed(2)} ms), p99 ${p99(total).toFixed(2)} ms`,
);
