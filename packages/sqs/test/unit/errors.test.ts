import { describe, expect, it } from "vitest";
import { classifyEntryFailure, classifyRequestError } from "../../src/errors.js";

const context = { action: 'SendMessageBatch to "q"', aborted: false, secrets: ["AKIAEXAMPLE1234", "sekret"] };
const sdkError = (name: string, status?: number, fault?: "client" | "server", extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    ...(fault ? { $fault: fault } : {}),
    ...extra,
  });

describe("classifyRequestError", () => {
  it.each([
    [sdkError("QueueDoesNotExist", 400, "client"), "UNKNOWN_DESTINATION", "terminal"],
    [
      sdkError("X", 400, "client", { Code: "AWS.SimpleQueueService.NonExistentQueue" }),
      "UNKNOWN_DESTINATION",
      "terminal",
    ],
    [sdkError("ThrottlingException", 400, "client"), "THROTTLED", "throttled"],
    [sdkError("RequestThrottled", 403, "client"), "THROTTLED", "throttled"],
    [sdkError("InvalidClientTokenId", 403, "client"), "AUTH_FAILED", "terminal"],
    [sdkError("AccessDeniedException", 400, "client"), "NOT_AUTHORIZED", "terminal"],
    [sdkError("BatchRequestTooLong", 400, "client"), "MESSAGE_TOO_LARGE", "terminal"],
    [sdkError("ServiceUnavailable", 503, "server"), "BROKER_UNAVAILABLE", "retriable"],
    [sdkError("InternalError", 500, "server"), "BROKER_UNAVAILABLE", "unknown-outcome"],
    [sdkError("Error", undefined, undefined, { code: "ECONNREFUSED" }), "BROKER_UNAVAILABLE", "retriable"],
    [
      sdkError("Error", undefined, undefined, { code: "ECONNRESET" }),
      "BROKER_UNAVAILABLE",
      "unknown-outcome",
    ],
    [sdkError("TimeoutError"), "TIMEOUT", "unknown-outcome"],
    [sdkError("InvalidParameterValue", 400, "client"), "INVALID_MESSAGE", "terminal"],
    [
      sdkError("X", 400, "client", { Code: "com.amazonaws.sqs#QueueDoesNotExist" }),
      "UNKNOWN_DESTINATION",
      "terminal",
    ],
    [
      sdkError("InvalidAttributeValue", 400, "client", { message: "MessageTooLong" }),
      "MESSAGE_TOO_LARGE",
      "terminal",
    ],
    [sdkError("SomethingNew", 400, "client"), "REJECTED", "terminal"],
  ])("%s -> %s (%s)", (error, code, kind) => {
    const classified = classifyRequestError(error, context);
    expect(classified.code).toBe(code);
    expect(classified.kind).toBe(kind);
    expect(classified.transport).toBe("sqs");
    expect(classified.cause).toBe(error);
  });

  it("reports an aborted request as TIMEOUT with an unknown outcome", () => {
    const error = classifyRequestError(sdkError("AbortError"), { ...context, aborted: true });
    expect(error.code).toBe("TIMEOUT");
    expect(error.kind).toBe("unknown-outcome");
  });

  it.each([
    ["an unanswered lookup", sdkError("TimeoutError"), "TIMEOUT"],
    ["a reset lookup", sdkError("Error", undefined, undefined, { code: "ECONNRESET" }), "BROKER_UNAVAILABLE"],
    ["a 500 on a lookup", sdkError("InternalError", 500, "server"), "BROKER_UNAVAILABLE"],
  ])("%s stores nothing: retriable, and never says SQS may hold the messages", (_, cause, code) => {
    const error = classifyRequestError(cause, {
      ...context,
      action: 'GetQueueUrl for "q"',
      stores: false,
    });
    expect(error.code).toBe(code);
    expect(error.kind).toBe("retriable");
    expect(error.message).not.toMatch(/may hold/i);
    if (code === "TIMEOUT") expect(error.message).toContain("nothing was sent");
  });

  it("scrubs credentials from messages", () => {
    const error = classifyRequestError(
      Object.assign(new Error("The key AKIAEXAMPLE1234 with sekret is invalid"), {
        name: "InvalidClientTokenId",
      }),
      context,
    );
    expect(error.message).not.toContain("AKIAEXAMPLE1234");
    expect(error.message).not.toContain("sekret");
  });
});

describe("classifyEntryFailure", () => {
  it("fails a sender fault terminally and keeps SQS's code", () => {
    const error = classifyEntryFailure(
      { Id: "0", SenderFault: true, Code: "InvalidParameterValue", Message: "bad attribute" },
      "orders",
    );
    expect(error).toMatchObject({
      code: "INVALID_MESSAGE",
      kind: "terminal",
      brokerCode: "InvalidParameterValue",
    });
    expect(error.message).toContain("InvalidParameterValue: bad attribute");
  });

  it("maps a too-long entry to MESSAGE_TOO_LARGE", () => {
    const error = classifyEntryFailure(
      { Id: "0", SenderFault: true, Code: "InvalidAttributeValue", Message: "MessageTooLong" },
      "q",
    );
    expect(error.code).toBe("MESSAGE_TOO_LARGE");
  });

  it("retries a server-side entry failure and slows down on throttling", () => {
    expect(classifyEntryFailure({ Id: "0", SenderFault: false, Code: "InternalError" }, "q").kind).toBe(
      "retriable",
    );
    expect(classifyEntryFailure({ Id: "0", SenderFault: true, Code: "ThrottlingException" }, "q").kind).toBe(
      "throttled",
    );
  });
});
