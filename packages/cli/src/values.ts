import { InvalidArgumentError } from "commander";

/** `30s`, `500ms`, `2m`, `1h`, or a bare number of seconds, to milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration such as 30s, 500ms or 2m, got "${text}"`);
  const unit = match[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1_000 : unit === "m" ? 60_000 : 3_600_000;
  const ms = Number(match[1]) * factor;
  if (ms <= 0) throw new InvalidArgumentError(`a duration must be more than zero, got "${text}"`);
  return Math.round(ms);
}

export function parseNonNegativeInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number, got "${text}"`);
  }
  return n;
}

export function parsePositiveInteger(text: string): number {
  const n = parseNonNegativeInteger(text);
  if (n === 0) throw new InvalidArgumentError(`expected a whole number above zero, got "${text}"`);
  return n;
}

/** `--rate 5000` or `--rate max`. */
export function parseRate(text: string): number | "max" {
  if (text.trim() === "max") return "max";
  return parsePositiveInteger(text);
}

/** `--size 100`, `--size 1KiB`, `--size 10kb`. */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*(b|kb|kib|mb|mib)?$/i.exec(text.trim());
  if (!match)
    throw new InvalidArgumentError(`expected a size in bytes such as 100, 1KiB or 1MiB, got "${text}"`);
  const unit = (match[2] ?? "b").toLowerCase();
  const factor =
    unit === "b" ? 1 : unit === "kb" ? 1_000 : unit === "kib" ? 1_024 : unit === "mb" ? 1e6 : 1_048_576;
  return Number(match[1]) * factor;
}

/** Repeated `--header k=v`, collected in order; the last value of a repeated name wins. */
export function collectHeader(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError(`expected name=value, got "${text}"`);
  return { ...previous, [text.slice(0, at)]: text.slice(at + 1) };
}
