#!/usr/bin/env node
import { run } from "./program.js";

const status = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
// Every message is settled and reported by now. Exit once stdout and stderr are written, rather
// than wait for a client library's idle sockets or timers to let go.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write("", done))));
process.exit(status);
