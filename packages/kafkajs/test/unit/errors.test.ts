import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { toKafkaOutboundError } from "../../src/errors.js";

// kafkajs builds protocol errors from the broker's error code; these are the same objects.
const {
  KafkaJSProtocolError,
  KafkaJSConnectionError,
  KafkaJSConnectionClosedError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSNonRetriableError,
} = kafkajs as unknown as Record<string, new (...args: unknown[]) => Error>;

function protocol(type: string, retriable: boolean) {
  return new KafkaJSProtocolError!({ message: type, type, code: 0, retriable });
}

describe("kafkajs errors to Outbound codes and kinds", () => {
  it.each([
    ["LEADER_NOT_AVAILABLE", true, "BROKER_UNAVAILABLE", "retriable"],
    ["NOT_LEADER_FOR_PARTITION", true, "BROKER_UNAVAILABLE", "unknown-outcome"],
    ["NOT_ENOUGH_REPLICAS", true, "BROKER_UNAVAILABLE", "retriable"],
    ["NOT_ENOUGH_REPLICAS_AFTER_APPEND", true, "BROKER_UNAVAILABLE", "unknown-outcome"],
    ["REQUEST_TIMED_OUT", true, "TIMEOUT", "unknown-outcome"],
    ["MESSAGE_TOO_LARGE", false, "MESSAGE_TOO_LARGE", "terminal"],
    ["RECORD_LIST_TOO_LARGE", false, "MESSAGE_TOO_LARGE", "terminal"],
    ["INVALID_TOPIC_EXCEPTION", false, "UNKNOWN_DESTINATION", "terminal"],
    ["UNKNOWN_TOPIC_OR_PARTITION", true, "UNKNOWN_DESTINATION", "retriable"],
    ["TOPIC_AUTHORIZATION_FAILED", false, "NOT_AUTHORIZED", "terminal"],
    ["SASL_AUTHENTICATION_FAILED", false, "AUTH_FAILED", "terminal"],
    ["THROTTLING_QUOTA_EXCEEDED", true, "THROTTLED", "throttled"],
    ["SOME_FUTURE_RETRIABLE_ERROR", true, "BROKER_UNAVAILABLE", "retriable"],
    ["SOME_FUTURE_FATAL_ERROR", false, "REJECTED", "terminal"],
  ])("%s -> %s (%s)", (type, retriable, code, kind) => {
    const error = toKafkaOutboundError(protocol(type, retriable), "produce");
    expect(error).toMatchObject({ code, kind, transport: "kafkajs", brokerCode: type });
    expect(error.message).toMatch(/^\[outbound\] \[kafkajs\] /);
  });

  it("unwraps the retrier's wrappers to the broker's error", () => {
    const inner = protocol("MESSAGE_TOO_LARGE", false);
    const exceeded = new KafkaJSNumberOfRetriesExceeded!(inner, { retryCount: 0, retryTime: 100 });
    expect(toKafkaOutboundError(exceeded, "produce")).toMatchObject({
      code: "MESSAGE_TOO_LARGE",
      kind: "terminal",
    });
    const nonRetriable = new KafkaJSNonRetriableError!(protocol("NOT_ENOUGH_REPLICAS", true), {
      cause: protocol("NOT_ENOUGH_REPLICAS", true),
    });
    expect(toKafkaOutboundError(nonRetriable, "produce")).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
    expect(toKafkaOutboundError(exceeded, "produce").cause).toBe(exceeded);
  });

  it("treats connection failures as retriable outside a produce and as unknown outcome during one", () => {
    const refused = new KafkaJSConnectionError!("Connection error: connect ECONNREFUSED 127.0.0.1:1", {
      code: "ECONNREFUSED",
    });
    expect(toKafkaOutboundError(refused, "connect")).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
    expect(toKafkaOutboundError(refused, "metadata")).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
    // kafkajs reports its reconnect's error in place of the produce request lost with the old connection.
    expect(toKafkaOutboundError(refused, "produce")).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "unknown-outcome",
    });
    const closed = new KafkaJSConnectionClosedError!("Closed connection", { host: "h", port: 1 });
    expect(toKafkaOutboundError(closed, "produce")).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "unknown-outcome",
    });
    expect(toKafkaOutboundError(closed, "metadata")).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
  });

  it("treats a request timeout after writing as unknown outcome, before writing as retriable", () => {
    const message = "Request Produce(key: 0, version: 7) timed out";
    const written = new KafkaJSRequestTimeoutError!(message, { sentAt: Date.now() });
    expect(toKafkaOutboundError(written, "produce")).toMatchObject({
      code: "TIMEOUT",
      kind: "unknown-outcome",
    });
    const queued = new KafkaJSRequestTimeoutError!(message, { sentAt: null });
    expect(toKafkaOutboundError(queued, "produce")).toMatchObject({ code: "TIMEOUT", kind: "retriable" });
    // A handshake request on the way to the produce carries no record.
    const handshake = new KafkaJSRequestTimeoutError!("Request ApiVersions(key: 18, version: 2) timed out", {
      sentAt: Date.now(),
    });
    expect(toKafkaOutboundError(handshake, "produce")).toMatchObject({ code: "TIMEOUT", kind: "retriable" });
  });

  it("maps SASL failures to AUTH_FAILED and TLS certificate failures too", () => {
    const sasl = new KafkaJSSASLAuthenticationError!(
      "SASL SCRAM SHA256 authentication failed: Invalid credentials",
    );
    expect(toKafkaOutboundError(sasl, "connect")).toMatchObject({ code: "AUTH_FAILED", kind: "terminal" });
    const tls = new KafkaJSConnectionError!("Connection error: self-signed certificate", {
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    expect(toKafkaOutboundError(tls, "connect")).toMatchObject({ code: "AUTH_FAILED", kind: "terminal" });
  });

  it("maps anything else to a terminal INTERNAL error that keeps the cause", () => {
    const boom = new TypeError("boom");
    expect(toKafkaOutboundError(boom, "produce")).toMatchObject({
      code: "INTERNAL",
      kind: "terminal",
      cause: boom,
    });
  });
});
