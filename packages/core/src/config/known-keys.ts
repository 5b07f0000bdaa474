import { OutboundError } from "../errors/index.js";

/** Edit distance between two names, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known name closest to `name`, when it is close enough to be a typo of it. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the name's length, at least 2: "idempotant" -> "idempotent", not "id" -> "acks".
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Throws `INVALID_CONFIG` naming every key of `section` that is not in `known`, with the closest
 * valid name for each, so a typo such as `kafka: { idempotant: true }` is never silently ignored.
 */
export function checkKnownKeys(
  section: object,
  known: readonly string[],
  where: { transport?: string; section: string },
): void {
  const unknown = Object.keys(section).filter(
    (key) => !known.includes(key) && (section as Record<string, unknown>)[key] !== undefined,
  );
  if (unknown.length === 0) return;
  const described = unknown.map((key) => {
    const suggestion = closestName(key, known);
    return `"${where.section}.${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`;
  });
  throw new OutboundError(
    "INVALID_CONFIG",
    `unknown option ${described.join(", ")}; valid options: ${known.join(", ")}`,
    { transport: where.transport, details: { unknown } },
  );
}
