import { OutboundError } from "../errors/index.js";
import { functionPartitioner } from "./function-partitioner.js";
import { javaStringHashPartitioner } from "./java-string-hash.js";
import { murmur2Partitioner } from "./murmur2.js";
import { murmur3Partitioner } from "./murmur3.js";
import type { Partitioner, PartitionFunction } from "./partitioner.js";
import { roundRobinPartitioner } from "./round-robin.js";

/** Built-in partitioners, by the name the `partitioner` option takes. */
export const PARTITIONER_NAMES = ["murmur2", "murmur3", "java-string-hash", "round-robin"] as const;
export type PartitionerName = (typeof PARTITIONER_NAMES)[number];

/** What the `partitioner` option accepts. */
export type PartitionerSpec = PartitionerName | Partitioner | PartitionFunction;

const KEY_HASHING: ReadonlySet<Partitioner> = new Set([
  murmur2Partitioner,
  murmur3Partitioner,
  javaStringHashPartitioner,
]);

/**
 * True for the built-in hash partitioners (murmur2, murmur3, java-string-hash), whether chosen
 * by name or passed as the exported object. They need a key, so keyless messages must go to
 * the sticky partitioner instead; any other partitioner may place keyless messages itself.
 */
export function isKeyHashingPartitioner(partitioner: Partitioner): boolean {
  return KEY_HASHING.has(partitioner);
}

/**
 * Turns the `partitioner` option into a `Partitioner`. Names give the built-ins (a fresh one for
 * stateful `round-robin`); a user's function or object is wrapped so that a bad return value
 * fails the message with `INVALID_MESSAGE` naming it. Anything else is `INVALID_CONFIG`.
 */
export function resolvePartitioner(spec: PartitionerSpec): Partitioner {
  if (typeof spec === "string") {
    switch (spec) {
      case "murmur2":
        return murmur2Partitioner;
      case "murmur3":
        return murmur3Partitioner;
      case "java-string-hash":
        return javaStringHashPartitioner;
      case "round-robin":
        return roundRobinPartitioner();
    }
    throw invalid(`unknown partitioner "${spec}"`);
  }
  if (typeof spec === "function") return functionPartitioner(spec);
  if (typeof spec === "object" && spec !== null && typeof (spec as Partitioner).partition === "function") {
    if (KEY_HASHING.has(spec)) return spec;
    const name = typeof spec.name === "string" && spec.name.length > 0 ? spec.name : "custom";
    return functionPartitioner((input) => spec.partition(input), name);
  }
  throw invalid(`invalid partitioner: got ${describe(spec)}`);
}

function invalid(problem: string): OutboundError {
  return new OutboundError(
    "INVALID_CONFIG",
    `${problem}; expected one of ${PARTITIONER_NAMES.map((n) => `"${n}"`).join(", ")}, a Partitioner object or a function`,
    { details: { field: "partitioner" } },
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object without a partition() method" : typeof value;
}
