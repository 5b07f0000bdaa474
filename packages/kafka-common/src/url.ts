import { redactUrl } from "@outbound/core";
import type { KafkaCommonOptions, KafkaCompression, KafkaPasswordSaslOptions } from "./options.js";
import { checkBrokerAddress, invalidKafkaOption } from "./resolve-options.js";

/**
 * Parses `kafka://[user:password@]host:port[,host:port][?sasl=scram-sha-256&ssl=true&compression=lz4]`.
 * Userinfo and the `sasl` parameter become SASL options (PLAIN when no mechanism is named).
 * `schemes` are the schemes the transport answers to.
 */
export function parseKafkaUrl(
  url: string,
  schemes: readonly string[] = ["kafka"],
  transport = "kafka",
): KafkaCommonOptions {
  const invalid = (message: string) => invalidKafkaOption(transport, message);
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/?#@]+)\/?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!match || !schemes.includes(match[1]!.toLowerCase())) {
    throw invalid(`URL must look like ${schemes[0]}://host:port[,host:port], got "${redactUrl(url)}"`);
  }
  const [, , userinfo, hosts = "", query] = match;
  const options: KafkaCommonOptions = {
    brokers: hosts.split(",").map((address) => checkBrokerAddress(address, transport)),
  };
  const params = new URLSearchParams(query ?? "");
  const mechanism = params.get("sasl")?.toLowerCase();
  if (mechanism === "oauthbearer") {
    throw invalid(
      'SASL "oauthbearer" needs a token callback: give it in the options as sasl.token, not in the URL',
    );
  }
  if (userinfo) {
    const [username = "", password = ""] = userinfo.split(":").map(decodeURIComponent);
    options.sasl = {
      mechanism: (mechanism ?? "plain") as KafkaPasswordSaslOptions["mechanism"],
      username,
      password,
    };
  } else if (mechanism !== undefined) {
    throw invalid("URL names a SASL mechanism but carries no user:password");
  }
  const ssl = params.get("ssl") ?? params.get("tls");
  if (ssl !== null) options.ssl = ssl === "true" || ssl === "1";
  const compression = params.get("compression");
  if (compression !== null) options.compression = compression as KafkaCompression;
  const idempotent = params.get("idempotent");
  if (idempotent !== null) options.idempotent = idempotent === "true" || idempotent === "1";
  const clientId = params.get("clientId");
  if (clientId !== null) options.clientId = clientId;
  return options;
}
