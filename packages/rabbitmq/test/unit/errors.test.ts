import { describe, expect, it } from "vitest";
import { classifyChannelLoss, classifyConnectError, nackedError, returnedError } from "../../src/errors.js";

/** Shaped like amqplib's errors: the server's close text, and its reply code where it gives one. */
function amqpError(message: string, code?: number): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe("classifyConnectError", () => {
  const endpoint = "amqp://app:***@h:5672/";

  it("maps a refused login to AUTH_FAILED (terminal)", () => {
    const error = classifyConnectError(
      amqpError(
        'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN."',
      ),
      endpoint,
    );
    expect(error).toMatchObject({ code: "AUTH_FAILED", kind: "terminal", transport: "rabbitmq" });
  });

  it("maps a refused vhost open to NOT_AUTHORIZED", () => {
    const error = classifyConnectError(
      amqpError("Expected ConnectionOpenOk; got <ConnectionClose channel:0>"),
      endpoint,
    );
    expect(error).toMatchObject({ code: "NOT_AUTHORIZED", kind: "terminal" });
  });

  it("maps network failures to retriable BROKER_UNAVAILABLE", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5672"), { code: "ECONNREFUSED" });
    expect(classifyConnectError(refused, endpoint)).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
  });
});

describe("classifyChannelLoss", () => {
  const notFound = amqpError(
    `Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'orders' in vhost '/'"`,
    404,
  );

  it("fails publishes to the exchange a 404 names with UNKNOWN_DESTINATION", () => {
    expect(classifyChannelLoss(notFound, { exchange: "orders", bytes: 1 })).toMatchObject({
      code: "UNKNOWN_DESTINATION",
      kind: "terminal",
      brokerCode: "404",
    });
  });

  it("gives other publishes on that channel an unknown outcome, so they are sent again", () => {
    expect(classifyChannelLoss(notFound, { exchange: "payments", bytes: 1 })).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "unknown-outcome",
    });
    expect(classifyChannelLoss(undefined, { exchange: "orders", bytes: 1 })).toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "unknown-outcome",
    });
  });

  it("maps a write refusal on the named exchange to NOT_AUTHORIZED, the default exchange included", () => {
    const refused = amqpError(
      `Channel closed by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - write access to exchange 'amq.default' in vhost 'v' refused for user 'u'"`,
      403,
    );
    expect(classifyChannelLoss(refused, { exchange: "", bytes: 1 }).code).toBe("NOT_AUTHORIZED");
    expect(classifyChannelLoss(refused, { exchange: "other", bytes: 1 }).kind).toBe("unknown-outcome");
  });

  it("tells the oversize publish apart by its size", () => {
    const tooBig = amqpError(
      `Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - message size 2000 is larger than configured max size 1000"`,
      406,
    );
    expect(classifyChannelLoss(tooBig, { exchange: "x", bytes: 2000 }).code).toBe("MESSAGE_TOO_LARGE");
    expect(classifyChannelLoss(tooBig, { exchange: "x", bytes: 10 }).kind).toBe("unknown-outcome");
  });
});

describe("returns and nacks", () => {
  it("a basic.return is UNKNOWN_DESTINATION naming where it went", () => {
    const error = returnedError(312, "NO_ROUTE", "", "missing-queue");
    expect(error).toMatchObject({ code: "UNKNOWN_DESTINATION", kind: "terminal", brokerCode: "312" });
    expect(error.message).toContain('queue "missing-queue"');
  });

  it("a nack is REJECTED and retriable", () => {
    expect(nackedError()).toMatchObject({ code: "REJECTED", kind: "retriable" });
  });
});
