import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { UsageError } from "./usage-error.js";

export const FORMATS = ["json", "jsonl", "text", "avro", "protobuf"] as const;
export type Format = (typeof FORMATS)[number];

/** One message's value as read, or why it could not be read; `label` says where it came from. */
export type InputItem = { label: string; value: unknown } | { label: string; error: string };

/** Formats with one message per line; `json` is one message per file (or all of stdin). */
const lineFormats: ReadonlySet<Format> = new Set(["jsonl", "text", "avro", "protobuf"]);

/**
 * Reads messages from the files in order, or from stdin when there are none. Line formats skip
 * blank lines. A line that does not parse becomes an error item: it fails alone, and every other
 * message still goes out.
 */
export async function* readMessages(
  format: Format,
  files: readonly string[],
  stdin: Readable,
  stop: AbortSignal,
): AsyncGenerator<InputItem> {
  const sources = files.length > 0 ? files : ["-"];
  for (const source of sources) {
    if (stop.aborted) return;
    const name = source === "-" ? "stdin" : source;
    const stream = source === "-" ? stdin : openFile(source);
    if (lineFormats.has(format)) {
      yield* readLines(format, name, stream, stop);
    } else {
      yield parse(format, name, await readAll(stream, name));
    }
  }
}

function openFile(path: string): Readable {
  const stream = createReadStream(path, { encoding: "utf8" });
  return stream;
}

async function* readLines(
  format: Format,
  name: string,
  stream: Readable,
  stop: AbortSignal,
): AsyncGenerator<InputItem> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  // Ctrl-C ends the read even while stdin is idle, waiting for a line that may never come.
  const stopReading = () => lines.close();
  stop.addEventListener("abort", stopReading, { once: true });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (stop.aborted) return;
      if (line.trim() === "") continue;
      yield parse(format, `${name}:${number}`, line);
    }
  } catch (error) {
    throw fileError(name, error);
  } finally {
    stop.removeEventListener("abort", stopReading);
    lines.close();
  }
}

async function readAll(stream: Readable, name: string): Promise<string> {
  let text = "";
  try {
    stream.setEncoding("utf8");
    for await (const chunk of stream) text += chunk as string;
  } catch (error) {
    throw fileError(name, error);
  }
  return text;
}

function fileError(name: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  return new UsageError(
    `${name}: ${code === "ENOENT" ? "no such file" : (code ?? (error as Error).message)}`,
  );
}

function parse(format: Format, label: string, text: string): InputItem {
  if (format === "text") return { label, value: text };
  try {
    return { label, value: JSON.parse(text) };
  } catch (error) {
    return { label, error: `not valid JSON: ${(error as Error).message}` };
  }
}
