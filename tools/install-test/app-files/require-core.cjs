// A CommonJS application: our packages are ESM only, and require() of ESM works unflagged on the
// Node versions they support (22.22+). Copied into an installed app.
//   node require-core.cjs
const { createProducer } = require("@outbound/core");

const producer = createProducer({ url: "memory://" });
producer
  .send({ topic: "install-test-cjs", value: "from require" })
  .then(async (report) => {
    await producer.close({ timeoutMs: 5_000 });
    console.log(JSON.stringify({ offset: report.offset }));
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
