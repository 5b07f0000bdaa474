import { toOutboundError } from "../errors/index.js";
import { checkChosenPartition, checkPartitionCount } from "./partition-input.js";
import type { Partitioner, PartitionFunction } from "./partitioner.js";

/**
 * Wraps a user's partitioning function or object. What it returns is checked: anything but an
 * integer in `[0, partitions)` fails that message with `INVALID_MESSAGE` naming the
 * partitioner, and so does an exception it throws, instead of routing to a partition that
 * does not exist.
 *
 * @param name shown in errors; defaults to the function's own name.
 */
export function functionPartitioner(fn: PartitionFunction, name?: string): Partitioner {
  const label = name ?? (fn.name.length > 0 ? fn.name : "function");
  return {
    name: label,
    partition(input) {
      checkPartitionCount(label, input);
      let chosen: unknown;
      try {
        chosen = fn(input);
      } catch (error) {
        throw toOutboundError(error, "INVALID_MESSAGE", {
          context: `partitioner "${label}" threw for topic "${input.topic}"`,
          details: { partitioner: label, topic: input.topic },
        });
      }
      return checkChosenPartition(label, input, chosen);
    },
  };
}
