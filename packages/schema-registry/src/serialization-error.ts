import { OutboundError } from "@outbound/core";

/**
 * The `SERIALIZATION_FAILED` error the schema serializers raise. `path` names the offending field
 * (`order.lines[2].price`) and goes into both the message and `details.path`; the value itself is
 * never printed, as it may be sensitive.
 */
export function schemaSerializationError(
  serializer: string,
  topic: string,
  problem: string,
  options: { path?: string; cause?: unknown; details?: Record<string, unknown> } = {},
): OutboundError {
  const where =
    options.path === undefined ? "" : ` at ${options.path === "" ? "the top level" : `"${options.path}"`}`;
  return new OutboundError(
    "SERIALIZATION_FAILED",
    `${serializer} serializer: ${problem}${where} (topic "${topic}")`,
    {
      cause: options.cause,
      details: {
        serializer,
        topic,
        ...(options.path === undefined ? {} : { path: options.path }),
        ...options.details,
      },
    },
  );
}
