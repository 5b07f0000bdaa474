import type { Channel } from "amqplib";
import { destinationName } from "./mapping.js";

/** Enough for any layout we have seen; a runaway count would mean a naming clash, not partitions. */
const MAX_DISCOVERED_PARTITIONS = 1024;

/**
 * Counts the partition queues `<topic>-0`, `<topic>-1`, ... that exist, with passive declares.
 * The first missing one ends the count (a missing queue also closes `channel`, so the caller gives
 * a throwaway channel). Fewer than two means the topic is not partitioned.
 */
export async function discoverPartitions(channel: Channel, topic: string): Promise<number> {
  let found = 0;
  while (found < MAX_DISCOVERED_PARTITIONS) {
    try {
      await channel.checkQueue(destinationName(topic, found, 2));
    } catch {
      break;
    }
    found += 1;
  }
  return found >= 2 ? found : 1;
}
