import { buildCli } from "./run-cli.js";

/**
 * vitest global setup: builds the CLI and what it imports once, before any test file runs the
 * binary. turbo's cache makes it a no-op after `pnpm build`. Once per run, not per file: a
 * rebuild while another file's subprocess starts could hand it half-written files.
 */
export default function setup(): void {
  buildCli();
}
