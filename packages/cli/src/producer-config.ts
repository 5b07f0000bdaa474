import { readFileSync } from "node:fs";
import type { ProducerConfig } from "@outbound/core";
import { UsageError } from "./usage-error.js";

/** The options every command shares: where the producer's config comes from. */
export interface ConnectionOptions {
  url?: string;
  config?: string;
  acks?: string;
  transport?: string;
}

/**
 * The producer config as the library takes it, in its order of precedence: the flags, then the
 * `--config` file, then the `OUTBOUND_*` environment (which `createProducer` reads itself).
 */
export function producerConfig(
  options: ConnectionOptions,
  extra: Partial<ProducerConfig> = {},
): ProducerConfig {
  const fromFile = options.config === undefined ? {} : readConfigFile(options.config);
  const flags: Record<string, unknown> = {};
  if (options.url !== undefined) flags.url = options.url;
  if (options.acks !== undefined) flags.acks = options.acks;
  if (options.transport !== undefined) flags.transport = options.transport;
  return { ...fromFile, ...extra, ...flags } as ProducerConfig;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as NodeJS.ErrnoException).code ?? "cannot be read"}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config ${path}: expected a JSON object of producer options`);
  }
  return parsed as Record<string, unknown>;
}
