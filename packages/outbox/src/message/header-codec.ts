import type { Headers } from "@outbound/core";

type StoredHeaderValue = string | { base64: string };

/**
 * Headers as a JSON text column: text values stay text, binary ones become `{ "base64": ... }`
 * (the shape core's file dead-letter sink writes), so both survive a round trip through a
 * database that has no map type.
 */
export function encodeHeaders(headers: Headers): string {
  const stored: Record<string, StoredHeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    stored[name] = typeof value === "string" ? value : { base64: Buffer.from(value).toString("base64") };
  }
  return JSON.stringify(stored);
}

export function decodeHeaders(text: string): Headers {
  const stored = JSON.parse(text) as Record<string, StoredHeaderValue>;
  const headers: Headers = {};
  for (const [name, value] of Object.entries(stored)) {
    headers[name] = typeof value === "string" ? value : new Uint8Array(Buffer.from(value.base64, "base64"));
  }
  return headers;
}
