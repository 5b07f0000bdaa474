import { type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";
import { brokerErrorMeaning, TLS_FAILURE, TLS_FAILURE_MESSAGE } from "@outbound/kafka-common";
import { AuthenticationError, MultipleErrors, ProtocolError, TimeoutError } from "@platformatic/kafka";

/**
 * Where an error happened. It decides the kind of an ambiguous network failure: before a produce
 * request is written a retry is safe (`retriable`); once it may have been written the broker may
 * hold the records (`unknown-outcome`).
 */
export type KafkaErrorPhase = "connect" | "metadata" | "produce" | "transaction";

interface Meaning {
  code: ErrorCode;
  kind: ErrorKind;
  text: string;
  brokerCode?: string;
}

/** The first protocol error inside the client's (possibly nested) error. */
export function protocolErrorOf(error: unknown): ProtocolError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof ProtocolError) return current;
    if (current instanceof MultipleErrors || current instanceof AggregateError) {
      const inner = (current as AggregateError).errors?.find(
        (e: unknown) => e instanceof ProtocolError || e instanceof AggregateError,
      );
      current = inner ?? (current as AggregateError).errors?.[0] ?? (current as Error).cause;
      continue;
    }
    current = (current as Error).cause;
  }
  return undefined;
}

/** Every message in an error's cause chain, for matching network failure causes. */
function causeText(error: unknown): { codes: string; messages: string } {
  const codes: string[] = [];
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof e.code === "string") codes.push(e.code);
    if (typeof e.message === "string") messages.push(e.message);
    current = e.cause ?? e.errors?.[0];
  }
  return { codes: codes.join(" "), messages: messages.join(" / ") };
}

function classify(error: unknown, phase: KafkaErrorPhase): Meaning {
  const protocol = protocolErrorOf(error);
  if (protocol) {
    const name = (protocol as unknown as { apiId: string }).apiId;
    const meaning = brokerErrorMeaning(
      name,
      (protocol as unknown as { canRetry?: boolean }).canRetry === true,
    );
    return { ...meaning, brokerCode: name };
  }
  const { codes, messages } = causeText(error);
  if (error instanceof AuthenticationError || /SASL|authentication/i.test(messages)) {
    return { code: "AUTH_FAILED", kind: "terminal", text: "SASL authentication failed" };
  }
  if (TLS_FAILURE.test(codes) || TLS_FAILURE_MESSAGE.test(messages)) {
    return { code: "AUTH_FAILED", kind: "terminal", text: "TLS handshake failed" };
  }
  const timedOut = error instanceof TimeoutError || /timed out/i.test(messages);
  if (phase === "produce" || phase === "transaction") {
    return timedOut
      ? {
          code: "TIMEOUT",
          kind: "unknown-outcome",
          text: "no answer to the request in time; the broker may hold the records",
        }
      : { code: "BROKER_UNAVAILABLE", kind: "unknown-outcome", text: "connection lost around the request" };
  }
  return timedOut
    ? { code: "TIMEOUT", kind: "retriable", text: "the broker did not answer in time" }
    : { code: "BROKER_UNAVAILABLE", kind: "retriable", text: "cannot reach the broker" };
}

/**
 * Turns anything the client throws into an `OutboundError` with a code and kind the transport and
 * engine act on; the client's error stays as `cause` and the broker's error name as `brokerCode`.
 */
export function toKafkaOutboundError(
  error: unknown,
  phase: KafkaErrorPhase,
  context?: string,
): OutboundError {
  if (error instanceof OutboundError) return error;
  const meaning = classify(error, phase);
  const { messages } = causeText(error);
  const where = context ? `${context}: ` : "";
  return new OutboundError(meaning.code, `${where}${meaning.text}${messages ? ` (${messages})` : ""}`, {
    kind: meaning.kind,
    transport: "kafka",
    cause: error,
    ...(meaning.brokerCode ? { brokerCode: meaning.brokerCode } : {}),
  });
}

/** An `OutboundError` for a broker error code in a produce answer. */
export function brokerError(name: string, detail: string | null, context: string): OutboundError {
  const meaning = brokerErrorMeaning(name);
  return new OutboundError(
    meaning.code,
    `${context}: ${meaning.text} (${name}${detail ? `: ${detail}` : ""})`,
    {
      kind: meaning.kind,
      transport: "kafka",
      brokerCode: name,
    },
  );
}
