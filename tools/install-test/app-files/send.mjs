// What an application does once it has installed @outbound/core and one transport: a producer
// from a URL, one message, its delivery report. Copied into each installed app and run there.
//   node send.mjs <url> <topic> <body>
import { createProducer } from "@outbound/core";

const [url, topic, body] = process.argv.slice(2);
const producer = createProducer({ url });
const report = await producer.send({ topic, key: "install-test", value: { body } });
const { undelivered } = await producer.close({ timeoutMs: 10_000 });
let held;
if (url.startsWith("memory://")) {
  // The in-process broker lives in this process: what it holds can only be read here.
  const { getMemoryBroker } = await import("@outbound/memory");
  const name = new URL(url).hostname || undefined;
  held = getMemoryBroker(name)
    .messages(topic)
    .map((message) => Buffer.from(message.value).toString("utf8"));
}
console.log(JSON.stringify({ report, undelivered: undelivered.length, held }));
