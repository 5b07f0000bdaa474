import type { KafkaCommonOptions, ResolvedKafkaCommonOptions } from "./options.js";

const SECRET_TLS_KEYS = new Set(["key", "pfx", "passphrase", "cert"]);

/**
 * A printable copy of the options: the SASL password or token and TLS private material are
 * replaced by `***`, so it can go into a log line or an error's details.
 */
export function redactKafkaOptions(
  options: ResolvedKafkaCommonOptions | KafkaCommonOptions | Record<string, unknown>,
): Record<string, unknown> {
  const printable: Record<string, unknown> = { ...options };
  const sasl = (options as KafkaCommonOptions).sasl;
  if (sasl) {
    printable.sasl =
      sasl.mechanism === "oauthbearer"
        ? { mechanism: sasl.mechanism, token: "***" }
        : { mechanism: sasl.mechanism, username: sasl.username, password: "***" };
  }
  const ssl = (options as KafkaCommonOptions).ssl;
  if (ssl && typeof ssl === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(ssl)) copy[key] = SECRET_TLS_KEYS.has(key) ? "***" : value;
    printable.ssl = copy;
  }
  return printable;
}

/** One line for logs: brokers, TLS and SASL user, never the password or token. */
export function describeKafkaOptions(options: ResolvedKafkaCommonOptions, scheme = "kafka"): string {
  const sasl = options.sasl;
  const security = [
    options.ssl ? "tls" : undefined,
    sasl
      ? `sasl ${sasl.mechanism}${sasl.mechanism === "oauthbearer" ? "" : ` as ${sasl.username}`}`
      : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return `${scheme}://${options.brokers.join(",")}${security ? ` (${security})` : ""}`;
}
