import type { Headers } from "../message/index.js";
import type { Producer } from "../producer/types.js";
import { DEAD_LETTER_HEADERS } from "./headers.js";
import type { DeadLetterEntry, DeadLetterSink } from "./sink.js";

/** Where a dead-lettered copy goes: a fixed topic, or one derived from the original. */
export type DeadLetterTopic = string | ((originalTopic: string) => string);

export function deadLetterHeaders(entry: DeadLetterEntry): Headers {
  return {
    ...entry.headers,
    [DEAD_LETTER_HEADERS.originalTopic]: entry.topic,
    [DEAD_LETTER_HEADERS.errorCode]: entry.error.code,
    [DEAD_LETTER_HEADERS.errorMessage]: entry.error.message.slice(0, 1024),
    [DEAD_LETTER_HEADERS.attempts]: String(entry.attempts),
    [DEAD_LETTER_HEADERS.firstFailureAt]: new Date(entry.firstFailureAt).toISOString(),
  };
}

/**
 * Sends the copy through a producer: the failing producer itself (a destination on the same
 * broker) or another one (a different broker). The bytes go as they are, past the serializer.
 */
export function producerDeadLetterSink(
  producer: Pick<Producer, "sendSerialized" | "transportName">,
  topic: DeadLetterTopic,
): DeadLetterSink {
  const topicFor = typeof topic === "function" ? topic : () => topic;
  return {
    description: `${producer.transportName}:${typeof topic === "string" ? topic : "<per topic>"}`,
    async write(entry) {
      const target = topicFor(entry.topic);
      await producer.sendSerialized(
        { topic: target, key: entry.key, value: entry.value, headers: deadLetterHeaders(entry) },
        { contentType: entry.contentType, deadLetter: false },
      );
      return `${producer.transportName}:${target}`;
    },
  };
}
