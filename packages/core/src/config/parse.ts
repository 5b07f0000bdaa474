import type { z } from "zod";
import { OutboundError } from "../errors/index.js";
import { optionsFromEnvironment } from "./environment.js";
import { redactConfig, redactUrl } from "./redact.js";
import {
  ENGINE_OPTION_NAMES,
  type ProducerConfig,
  producerOptionsSchema,
  type ResolvedProducerOptions,
} from "./schema.js";
import { resolveTimeouts } from "./timeouts.js";
import { urlAddressProblem } from "./url-check.js";

type UrlSource = "config" | "OUTBOUND_URL" | undefined;

export interface ParsedConfig {
  options: ResolvedProducerOptions;
  /** Where `url` came from, so an error about it can say so. */
  urlFrom: UrlSource;
  /** Transport sections (`kafka: {...}`) by name, validated later by the transport itself. */
  sections: Record<string, unknown>;
}

function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function formatIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>, urlFrom: UrlSource): string {
  const path =
    issue.path[0] === "url" && urlFrom === "OUTBOUND_URL"
      ? "url (from OUTBOUND_URL)"
      : issue.path.join(".") || "(config)";
  let received: unknown = input;
  for (const part of issue.path) received = (received as Record<PropertyKey, unknown> | undefined)?.[part];
  // The URL may carry a password: never echo it.
  const shown =
    issue.path[0] === "url" && typeof received === "string"
      ? `"${redactUrl(received)}"`
      : describeReceived(received);
  return `${path}: ${issue.message} (got ${shown})`;
}

/**
 * Validates producer options before anything connects. Explicit options win over the
 * environment. Every problem is reported at once, each naming its field.
 */
export function parseProducerConfig(
  config: ProducerConfig | undefined,
  env: Record<string, string | undefined> = process.env,
  knownSections: ReadonlySet<string> = new Set(),
): ParsedConfig {
  if (config !== undefined && (typeof config !== "object" || config === null || Array.isArray(config))) {
    throw new OutboundError("INVALID_CONFIG", `config must be an object, got ${describeReceived(config)}`);
  }
  const fromEnvironment = optionsFromEnvironment(env);
  const input: Record<string, unknown> = { ...fromEnvironment, ...(config ?? {}) };
  const urlFrom: UrlSource =
    config?.url !== undefined ? "config" : fromEnvironment.url !== undefined ? "OUTBOUND_URL" : undefined;
  const engineInput: Record<string, unknown> = {};
  const sections: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (ENGINE_OPTION_NAMES.has(key)) engineInput[key] = value;
    else if (knownSections.has(key)) sections[key] = value;
    else unknown.push(key);
  }
  const problems: string[] = unknown.map(
    (key) => `${key}: unknown option (engine options: ${[...ENGINE_OPTION_NAMES].join(", ")})`,
  );
  const result = producerOptionsSchema.safeParse(engineInput);
  if (!result.success) {
    problems.push(...result.error.issues.map((issue) => formatIssue(issue, engineInput, urlFrom)));
  }
  if (result.success && !result.data.url && !result.data.transport) {
    problems.push("url: either url (or OUTBOUND_URL) or transport is required");
  }
  if (result.success && result.data.retry.maxMs < result.data.retry.initialMs) {
    problems.push("retry.maxMs: must be at least retry.initialMs");
  }
  if (result.success) problems.push(...resolveTimeouts(result.data, engineInput));
  if (result.success && result.data.url !== undefined) {
    const problem = urlAddressProblem(result.data.url);
    if (problem)
      problems.push(`${urlFrom === "OUTBOUND_URL" ? "url (from OUTBOUND_URL)" : "url"}: ${problem}`);
  }
  if (problems.length > 0 || !result.success) {
    throw new OutboundError("INVALID_CONFIG", `invalid producer config:\n  - ${problems.join("\n  - ")}`, {
      details: { problems },
    });
  }
  return { options: result.data, sections, urlFrom };
}

/** The config as it is safe to print: credentials masked. */
export function describeConfig(parsed: ParsedConfig): Record<string, unknown> {
  return redactConfig({ ...parsed.options, ...parsed.sections }) as Record<string, unknown>;
}
