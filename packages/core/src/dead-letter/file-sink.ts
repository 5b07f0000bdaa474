import { appendFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { DeadLetterEntry, DeadLetterSink } from "./sink.js";

function encodeHeaders(headers: DeadLetterEntry["headers"]): Record<string, string | { base64: string }> {
  const out: Record<string, string | { base64: string }> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = typeof value === "string" ? value : { base64: Buffer.from(value).toString("base64") };
  }
  return out;
}

/**
 * An append-only JSON-lines file: for when the broker itself is down. One line per message,
 * value and key in base64, so any bytes survive. Writes are serialized, so lines never interleave.
 */
export function fileDeadLetterSink(path: string): DeadLetterSink {
  const file = resolve(path);
  let chain: Promise<unknown> = mkdir(dirname(file), { recursive: true });
  return {
    description: `file:${file}`,
    write(entry) {
      const line = JSON.stringify({
        deadLetteredAt: new Date().toISOString(),
        topic: entry.topic,
        partition: entry.partition,
        key: entry.key === undefined ? undefined : Buffer.from(entry.key).toString("base64"),
        value: Buffer.from(entry.value).toString("base64"),
        headers: encodeHeaders(entry.headers),
        contentType: entry.contentType,
        error: { code: entry.error.code, kind: entry.error.kind, message: entry.error.message },
        attempts: entry.attempts,
        firstFailureAt: new Date(entry.firstFailureAt).toISOString(),
      });
      const written = chain.then(() => appendFile(file, `${line}\n`, "utf8"));
      chain = written.catch(() => undefined);
      return written.then(() => `file:${file}`);
    },
  };
}
