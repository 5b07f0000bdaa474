import { OutboundError } from "../errors/index.js";

/** The `SERIALIZATION_FAILED` error every built-in serializer raises, naming serializer and topic. */
export function serializationFailed(
  serializer: string,
  topic: string,
  problem: string,
  cause?: unknown,
): OutboundError {
  return new OutboundError(
    "SERIALIZATION_FAILED",
    `${serializer} serializer: ${problem} (topic "${topic}")`,
    {
      cause,
      details: { serializer, topic },
    },
  );
}
