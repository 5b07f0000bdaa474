// An application that installed core and one transport asks for another: the send must fail
// with TRANSPORT_NOT_INSTALLED and say what to install. Copied into an installed app.
//   node missing-transport.mjs <url>
import { createProducer, OutboundError } from "@outbound/core";

const producer = createProducer({ url: process.argv[2] });
let outcome;
try {
  await producer.send({ topic: "install-test-missing", value: "never sent" });
  outcome = { sent: true };
} catch (error) {
  outcome = { outboundError: error instanceof OutboundError, code: error.code, message: error.message };
}
await producer.close({ timeoutMs: 5_000 }).catch(() => {});
console.log(JSON.stringify(outcome));
