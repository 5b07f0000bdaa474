import { OutboundError } from "../errors/index.js";

/** `lingerMs` <-> `OUTBOUND_LINGER_MS`. */
export function envNameFor(option: string): string {
  return `OUTBOUND_${option.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

const NUMERIC = new Set([
  "lingerMs",
  "batchMaxRecords",
  "batchMaxBytes",
  "bufferMaxBytes",
  "maxBlockMs",
  "deliveryTimeoutMs",
  "requestTimeoutMs",
  "maxInFlightPerPartition",
  "metadataMaxAgeMs",
  "closeTimeoutMs",
]);
const TEXT = new Set(["url", "transport", "clientId", "acks", "onBufferFull", "partitioner", "serializer"]);

/**
 * Producer options found in the environment (`OUTBOUND_URL`, `OUTBOUND_LINGER_MS`, ...). Only
 * known option names are read, so unrelated `OUTBOUND_*` variables (such as the test suite's
 * `OUTBOUND_TEST_*`) are ignored.
 */
export function optionsFromEnvironment(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const option of [...TEXT, ...NUMERIC]) {
    const name = envNameFor(option);
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    if (NUMERIC.has(option)) {
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        throw new OutboundError("INVALID_CONFIG", `${name} must be a number, got "${raw}"`);
      }
      out[option] = value;
    } else {
      out[option] = raw;
    }
  }
  return out;
}
