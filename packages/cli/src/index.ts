/**
 * @outbound/cli: the `outbound` command (produce, perf, check). `run` is exported so the
 * commands can be driven in-process with other streams.
 */
export type { CommandIo } from "./commands/io.js";
export { run } from "./program.js";
export { EXIT } from "./usage-error.js";
