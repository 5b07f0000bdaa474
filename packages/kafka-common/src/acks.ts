import type { Acks } from "@outbound/core";

/** Kafka's `acks` for each Outbound level: 0 = fire and forget, 1 = leader, -1 = all in-sync replicas. */
export function toKafkaAcks(acks: Acks): 0 | 1 | -1 {
  switch (acks) {
    case "none":
      return 0;
    case "leader":
      return 1;
    case "all":
      return -1;
  }
}
