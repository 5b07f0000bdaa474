import { describe, expect, it } from "vitest";
import { OutboundError } from "../src/errors/index.js";
import {
  CAPABILITY_DEFAULTS,
  ClosedState,
  defineCapabilities,
  optionChecks,
  transportErrors,
} from "../src/transport/kit/index.js";

function thrown(run: () => unknown): OutboundError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected an OutboundError");
}

describe("defineCapabilities", () => {
  it("fills what a transport leaves out with defaults that promise nothing", () => {
    const caps = defineCapabilities({ maxMessageBytes: 1000 });
    expect(caps).toEqual({ ...CAPABILITY_DEFAULTS, maxMessageBytes: 1000, maxBatchBytes: 1000 });
    expect(caps).toMatchObject({
      partitioned: false,
      keyOrdering: "none",
      headers: { supported: false, binaryValues: false },
      dedup: { supported: false },
      delay: { supported: false },
      acks: ["all"],
      transactions: false,
      orderedInFlight: 1,
      retries: "engine",
    });
  });

  it("keeps what is stated, merges nested groups given in part, and freezes the result", () => {
    const caps = defineCapabilities({
      maxMessageBytes: 10,
      maxBatchBytes: 100,
      headers: { supported: true },
      dedup: { supported: true, windowMs: 5 },
      acks: ["none", "all"],
      defaultPartitioner: "java-string-hash",
    });
    expect(caps.maxBatchBytes).toBe(100);
    expect(caps.headers).toEqual({ supported: true, binaryValues: false });
    expect(caps.dedup).toEqual({ supported: true, windowMs: 5 });
    expect(caps.acks).toEqual(["none", "all"]);
    expect(caps.defaultPartitioner).toBe("java-string-hash");
    expect(Object.isFrozen(caps) && Object.isFrozen(caps.headers) && Object.isFrozen(caps.acks)).toBe(true);
  });
});

describe("optionChecks", () => {
  const check = optionChecks("acme");

  it("refuses an unknown key with INVALID_CONFIG naming it and the closest valid one", () => {
    const error = thrown(() => check.section({ batchSize: 1, lingr: 2 }, ["batchSize", "linger"]));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.transport).toBe("acme");
    expect(error.message).toContain('"acme.lingr" (did you mean "linger"?)');
    expect(error.details).toEqual({ unknown: ["lingr"] });
  });

  it("names a nested section by its path, takes a left-out section as empty, and refuses a non-object", () => {
    expect(thrown(() => check.section({ x: 1 }, ["y"], "acme.retry")).message).toContain('"acme.retry.x"');
    expect(check.section(undefined, ["y"])).toEqual({});
    expect(thrown(() => check.section("fast" as never, ["y"])).message).toContain('"acme" must be an object');
    expect(thrown(() => check.section([] as never, ["y"])).message).toContain("must be an object");
  });

  it("moves an option given under its former name to the current one, and refuses both given differently", () => {
    const renames = { requestTimeout: "requestTimeoutMs" };
    const input = { requestTimeout: 500, idempotent: true };
    expect(check.renamed(input, renames)).toEqual({ requestTimeoutMs: 500, idempotent: true });
    expect(input).toEqual({ requestTimeout: 500, idempotent: true });
    expect(check.renamed({ requestTimeout: 5, requestTimeoutMs: 5 }, renames)).toEqual({
      requestTimeoutMs: 5,
    });
    const current = { requestTimeoutMs: 7 };
    expect(check.renamed(current, renames)).toBe(current);
    expect(check.renamed(undefined, renames)).toBeUndefined();
    const error = thrown(() => check.renamed({ requestTimeout: 5, requestTimeoutMs: 6 }, renames));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain('"requestTimeout" is the former name of "requestTimeoutMs"');
    // After the move the unknown-key check sees only current names.
    expect(() =>
      check.section(check.renamed({ requestTimeout: 1 }, renames), ["requestTimeoutMs"]),
    ).not.toThrow();
  });

  it("returns undefined for a left-out option and refuses, never coerces, a wrong one", () => {
    expect(check.positiveInteger(undefined, "n")).toBeUndefined();
    expect(check.positiveInteger(3, "n")).toBe(3);
    for (const bad of [0, -1, 1.5, "3", Number.NaN]) {
      expect(thrown(() => check.positiveInteger(bad, "n")).message).toContain(
        'option "n" must be a positive integer',
      );
    }
    expect(check.integer(0, "heartbeat", 0)).toBe(0);
    expect(thrown(() => check.integer(70_000, "port", 1, 65_535)).message).toContain(
      "from 1 to 65535, got 70000",
    );
    expect(check.boolean(false, "b")).toBe(false);
    expect(thrown(() => check.boolean("true", "b")).message).toContain(
      '"b" must be true or false, got "true"',
    );
    expect(thrown(() => check.text("", "name")).message).toContain("non-empty string");
    expect(check.oneOf("a", "mode", ["a", "b"])).toBe("a");
    expect(thrown(() => check.oneOf("A", "mode", ["a", "b"])).message).toContain("must be one of a, b");
  });
});

describe("transportErrors and ClosedState", () => {
  it("bind the transport's name to every error, and answer CLOSED once closed", () => {
    const errors = transportErrors("acme");
    const e = errors.error("TIMEOUT", "no answer", { kind: "unknown-outcome" });
    expect(e).toMatchObject({
      code: "TIMEOUT",
      transport: "acme",
      kind: "unknown-outcome",
      reason: "no answer",
    });
    const state = new ClosedState(errors);
    expect(() => state.check()).not.toThrow();
    expect(state.close()).toBe(true);
    expect(state.close()).toBe(false);
    expect(state.closed).toBe(true);
    expect(thrown(() => state.check())).toMatchObject({ code: "CLOSED", transport: "acme" });
  });
});
