import { OutboundError } from "@outbound/core";
import { brokerErrorMeaning } from "@outbound/kafka-common";
import { protocolErrorsCodesById } from "@platformatic/kafka";
import type { Cluster } from "./cluster.js";

/** How long `partitions()` waits for a topic the broker is still creating, or for its leaders. */
const TOPIC_READY_TIMEOUT_MS = 10_000;

const UNKNOWN_TOPIC = 3;
const LEADER_NOT_AVAILABLE = 5;

function errorName(code: number): string {
  return protocolErrorsCodesById[code as keyof typeof protocolErrorsCodesById] ?? `ERROR_${code}`;
}

/**
 * The partition count of `topic`, once every partition has a leader: a topic created a moment
 * ago answers before its leaders are elected, and a send then would meet NOT_LEADER. A topic
 * that does not exist is created by a broker with `auto.create.topics.enable` when
 * `allowAutoTopicCreation` is on (the Metadata request asks for it, as the Java producer does);
 * otherwise it is `UNKNOWN_DESTINATION`.
 */
export async function waitForPartitions(
  cluster: Cluster,
  topic: string,
  allowAutoTopicCreation: boolean,
): Promise<number> {
  const deadline = performance.now() + TOPIC_READY_TIMEOUT_MS;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    await cluster.refresh([topic]);
    const entry = cluster.topic(topic);
    const code = entry?.errorCode ?? UNKNOWN_TOPIC;
    if (code === 0 && entry && entry.partitions.length > 0) {
      const leaderless = entry.partitions.some((p) => p === undefined || p.leader < 0);
      if (!leaderless) return entry.partitions.length;
    } else if (code === UNKNOWN_TOPIC && !allowAutoTopicCreation) {
      throw new OutboundError("UNKNOWN_DESTINATION", `topic "${topic}" does not exist`, {
        transport: "kafka",
        brokerCode: "UNKNOWN_TOPIC_OR_PARTITION",
      });
    } else if (code !== 0 && code !== UNKNOWN_TOPIC && code !== LEADER_NOT_AVAILABLE) {
      const name = errorName(code);
      const meaning = brokerErrorMeaning(name);
      throw new OutboundError(
        meaning.code === "UNKNOWN_DESTINATION" ? meaning.code : meaning.code,
        `metadata for topic "${topic}": ${meaning.text} (${name})`,
        {
          transport: "kafka",
          kind: "terminal",
          brokerCode: name,
        },
      );
    }
    if (performance.now() + wait >= deadline) {
      throw new OutboundError(
        "UNKNOWN_DESTINATION",
        code === UNKNOWN_TOPIC
          ? `topic "${topic}" does not exist and the broker did not create it (auto.create.topics.enable)`
          : `topic "${topic}" has no leader for every partition yet`,
        { transport: "kafka", brokerCode: errorName(code === 0 ? LEADER_NOT_AVAILABLE : code) },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
