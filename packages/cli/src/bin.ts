#!/usr/bin/env node
import { run } from "./program.js";

// `outbound produce ... | head` closes the pipe early: stop quietly, as other Unix tools do,
// rather than die on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const status = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
// Every message is settled and reported by now. Exit once stdout and stderr are written, rather
// than wait for a client library's idle sockets or timers to let go.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write("", done))));
process.exit(status);
