const SECRET_KEY = /pass(word)?$|passphrase|secret|token|credential|private[-_]?key|api[-_]?key|^auth$/i;
const MASK = "***";

/** `amqp://user:pw@host` -> `amqp://user:***@host`, and secret-looking query parameters masked. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: mask anything that looks like "user:password@".
    return url.replace(/([^\s:/@]+):([^\s@/]+)@/g, `$1:${MASK}@`);
  }
  if (parsed.password) parsed.password = MASK;
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_KEY.test(name)) parsed.searchParams.set(name, MASK);
  }
  // URL.toString() percent-encodes the mask; keep it readable.
  return parsed.toString().replaceAll("%2A%2A%2A", MASK);
}

/**
 * A deep copy of a config object fit for printing: secret-looking keys masked, URLs redacted,
 * functions and class instances named rather than dumped.
 */
export function redactConfig(value: unknown, key = ""): unknown {
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== null && typeof value !== "object") {
    return MASK;
  }
  if (typeof value === "string") return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value) : value;
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactConfig(item, key));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return `[${(value as object).constructor?.name ?? "object"}]`;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k && SECRET_KEY.test(k) && v !== undefined && v !== null ? MASK : redactConfig(v, k);
  }
  return out;
}
