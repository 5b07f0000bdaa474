import { describe, expect, it } from "vitest";
import { OutboundError } from "../src/errors/index.js";
import {
  functionPartitioner,
  isKeyHashingPartitioner,
  javaStringHashPartitioner,
  murmur2,
  murmur2Partitioner,
  murmur3_32,
  murmur3Partitioner,
  type Partitioner,
  resolvePartitioner,
  roundRobinPartitioner,
  stickyPartitioner,
  toPositive,
} from "../src/partitioner/index.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Runs `fn` and returns the OutboundError it throws; fails the test if it throws nothing else. */
function thrown(fn: () => unknown): OutboundError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected an OutboundError, nothing was thrown");
}

/** A random source that replays `values` in order. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => {
    const value = values[i % values.length]!;
    i++;
    return value;
  };
}

describe("hash functions", () => {
  it("murmur2 returns Java's signed int and toPositive clears only the sign bit", () => {
    // Published in Kafka's own UtilsTest.
    expect(murmur2(utf8("21"))).toBe(-973932308);
    expect(murmur2(utf8("foobar"))).toBe(-790332482);
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(5)).toBe(5);
  });

  it("murmur3_32 matches the reference test values", () => {
    // SMHasher's verification values for MurmurHash3_x86_32.
    expect(murmur3_32(new Uint8Array(0), 0)).toBe(0);
    expect(murmur3_32(new Uint8Array(0), 1)).toBe(0x514e28b7);
    expect(murmur3_32(new Uint8Array(0), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3_32(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0)).toBe(0x76293b50);
    expect(murmur3_32(utf8("Hello, world!"), 1234)).toBe(0xfaf6cdb3);
  });

  it("hashes a subarray view by its own bytes, not the whole buffer", () => {
    const backing = utf8("xxfoobarxx");
    const view = backing.subarray(2, 8);
    expect(murmur2(view)).toBe(murmur2(utf8("foobar")));
    expect(murmur3_32(view)).toBe(murmur3_32(utf8("foobar")));
    expect(javaStringHashPartitioner.partition({ topic: "t", key: view, partitions: 1000 })).toBe(
      javaStringHashPartitioner.partition({ topic: "t", key: utf8("foobar"), partitions: 1000 }),
    );
  });

  it("accepts a Buffer key", () => {
    expect(murmur2Partitioner.partition({ topic: "t", key: Buffer.from("foobar"), partitions: 7 })).toBe(
      murmur2Partitioner.partition({ topic: "t", key: utf8("foobar"), partitions: 7 }),
    );
  });
});

describe("key-hashing partitioners", () => {
  const hashing: Partitioner[] = [murmur2Partitioner, murmur3Partitioner, javaStringHashPartitioner];

  it.each(hashing.map((p) => [p.name, p] as const))(
    "%s: same key, same partition, always in range",
    (_, p) => {
      for (let i = 0; i < 500; i++) {
        const key = utf8(`key-${i}`);
        const first = p.partition({ topic: "t", key, partitions: 12 });
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThan(12);
        expect(Number.isInteger(first)).toBe(true);
        expect(p.partition({ topic: "other", key: utf8(`key-${i}`), partitions: 12 })).toBe(first);
      }
    },
  );

  it.each(hashing.map((p) => [p.name, p] as const))("%s: spreads keys over every partition", (_, p) => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++)
      counts[p.partition({ topic: "t", key: utf8(`k${i}`), partitions: 8 })]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(700);
  });

  it.each(hashing.map((p) => [p.name, p] as const))("%s: a keyless message is INVALID_MESSAGE", (_, p) => {
    const error = thrown(() => p.partition({ topic: "orders", key: undefined, partitions: 3 }));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toContain(p.name);
    expect(error.message).toContain("sticky");
  });

  it.each(hashing.map((p) => [p.name, p] as const))("%s: a non-byte key is INVALID_MESSAGE", (_, p) => {
    const error = thrown(() =>
      p.partition({ topic: "orders", key: "abc" as unknown as Uint8Array, partitions: 3 }),
    );
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toContain("Uint8Array");
  });

  it.each(hashing.map((p) => [p.name, p] as const))(
    "%s: a bad partition count is rejected, not routed",
    (_, p) => {
      for (const partitions of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = thrown(() => p.partition({ topic: "orders", key: utf8("k"), partitions }));
        expect(error.code).toBe("INTERNAL");
        expect(error.message).toContain("positive integer");
      }
    },
  );
});

describe("roundRobinPartitioner", () => {
  it("cycles through partitions per topic, ignoring keys", () => {
    const p = roundRobinPartitioner();
    const a = Array.from({ length: 7 }, () => p.partition({ topic: "a", key: utf8("same"), partitions: 3 }));
    expect(a).toEqual([0, 1, 2, 0, 1, 2, 0]);
    // Another topic has its own rotation.
    expect(p.partition({ topic: "b", key: undefined, partitions: 3 })).toBe(0);
    expect(p.partition({ topic: "a", key: undefined, partitions: 3 })).toBe(1);
  });

  it("stays in range when the partition count shrinks", () => {
    const p = roundRobinPartitioner();
    for (let i = 0; i < 5; i++) p.partition({ topic: "a", key: undefined, partitions: 10 });
    const next = p.partition({ topic: "a", key: undefined, partitions: 2 });
    expect(next).toBeGreaterThanOrEqual(0);
    expect(next).toBeLessThan(2);
  });

  it("gives each instance its own counters", () => {
    const first = roundRobinPartitioner();
    const second = roundRobinPartitioner();
    first.partition({ topic: "a", key: undefined, partitions: 4 });
    expect(second.partition({ topic: "a", key: undefined, partitions: 4 })).toBe(0);
  });

  it("rejects a bad partition count", () => {
    expect(
      thrown(() => roundRobinPartitioner().partition({ topic: "a", key: undefined, partitions: 0 })).code,
    ).toBe("INTERNAL");
  });
});

describe("stickyPartitioner", () => {
  it("keeps returning the same partition until told a batch was sent", () => {
    const sticky = stickyPartitioner({ random: sequence(0.5) });
    const first = sticky.current("t", 4);
    expect(first).toBe(2);
    for (let i = 0; i < 10; i++) expect(sticky.current("t", 4)).toBe(first);
  });

  it("moves to a different partition on next()", () => {
    const sticky = stickyPartitioner({ random: sequence(0.5, 0.5, 0, 0.99) });
    expect(sticky.current("t", 4)).toBe(2);
    // 0.5 over the 3 other partitions picks index 1, which is partition 1.
    expect(sticky.next("t", 4)).toBe(1);
    expect(sticky.current("t", 4)).toBe(1);
    // Index 0 is partition 0; then index 2 skips over the held partition 0 to 3.
    expect(sticky.next("t", 4)).toBe(0);
    expect(sticky.next("t", 4)).toBe(3);
  });

  it("never picks the partition it just left when there are others", () => {
    const sticky = stickyPartitioner();
    let held = sticky.current("t", 3);
    for (let i = 0; i < 300; i++) {
      const moved = sticky.next("t", 3);
      expect(moved).not.toBe(held);
      expect(moved).toBeGreaterThanOrEqual(0);
      expect(moved).toBeLessThan(3);
      held = moved;
    }
  });

  it("ignores a sent batch for a partition it is not sticking to", () => {
    const sticky = stickyPartitioner({ random: sequence(0.1) });
    const held = sticky.current("t", 5);
    expect(sticky.next("t", 5, held === 3 ? 4 : 3)).toBe(held);
    expect(sticky.current("t", 5)).toBe(held);
    expect(sticky.next("t", 5, held)).not.toBe(held);
  });

  it("stays on partition 0 of a one-partition topic", () => {
    const sticky = stickyPartitioner();
    expect(sticky.current("t", 1)).toBe(0);
    expect(sticky.next("t", 1)).toBe(0);
  });

  it("keeps topics apart and re-picks after the partition count shrinks", () => {
    const sticky = stickyPartitioner({ random: sequence(0.9, 0.1, 0.6) });
    expect(sticky.current("a", 10)).toBe(9);
    expect(sticky.current("b", 10)).toBe(1);
    expect(sticky.current("a", 10)).toBe(9);
    // Partition 9 no longer exists.
    expect(sticky.current("a", 5)).toBe(3);
  });

  it("picks afresh after reset", () => {
    const sticky = stickyPartitioner({ random: sequence(0, 0.99) });
    expect(sticky.current("t", 4)).toBe(0);
    sticky.reset("t");
    expect(sticky.current("t", 4)).toBe(3);
    sticky.reset();
    expect(sticky.current("t", 4)).toBe(0);
  });

  it("stays in range with a random source that misbehaves", () => {
    for (const bad of [1, -0.5, 7, Number.NaN]) {
      const sticky = stickyPartitioner({ random: () => bad });
      const held = sticky.current("t", 4);
      expect(held).toBeGreaterThanOrEqual(0);
      expect(held).toBeLessThan(4);
      const moved = sticky.next("t", 4);
      expect(moved).toBeGreaterThanOrEqual(0);
      expect(moved).toBeLessThan(4);
      expect(moved).not.toBe(held);
    }
  });

  it("rejects a bad partition count", () => {
    const sticky = stickyPartitioner();
    expect(thrown(() => sticky.current("t", 0)).code).toBe("INTERNAL");
    expect(thrown(() => sticky.next("t", 2.5)).code).toBe("INTERNAL");
  });
});

describe("functionPartitioner", () => {
  it("uses what the function returns and hands it the input", () => {
    const seen: unknown[] = [];
    const p = functionPartitioner(function byRegion(input) {
      seen.push(input);
      return input.partitions - 1;
    });
    expect(p.name).toBe("byRegion");
    const key = utf8("eu");
    expect(p.partition({ topic: "t", key, partitions: 6 })).toBe(5);
    expect(seen).toEqual([{ topic: "t", key, partitions: 6 }]);
  });

  it.each([
    ["out of range", 3],
    ["negative", -1],
    ["fractional", 1.5],
    ["NaN", Number.NaN],
    ["a string", "1"],
    ["undefined", undefined],
    ["null", null],
  ])("rejects a return value that is %s with INVALID_MESSAGE naming the partitioner", (_, returned) => {
    const p = functionPartitioner(() => returned as number, "region-router");
    const error = thrown(() => p.partition({ topic: "orders", key: utf8("k"), partitions: 3 }));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.kind).toBe("terminal");
    expect(error.message).toContain('partitioner "region-router"');
    expect(error.message).toContain('"orders"');
    expect(error.message).toContain("[0, 3)");
    expect(error.details).toMatchObject({ partitioner: "region-router", topic: "orders", partitions: 3 });
  });

  it("turns an exception from the function into INVALID_MESSAGE, keeping it as cause", () => {
    const boom = new Error("no region for key");
    const p = functionPartitioner(() => {
      throw boom;
    }, "region-router");
    const error = thrown(() => p.partition({ topic: "orders", key: utf8("k"), partitions: 3 }));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toContain('partitioner "region-router" threw');
    expect(error.message).toContain("no region for key");
    expect(error.cause).toBe(boom);
  });

  it("passes through an OutboundError the function throws", () => {
    const own = new OutboundError("REJECTED", "not today");
    const p = functionPartitioner(() => {
      throw own;
    });
    expect(thrown(() => p.partition({ topic: "t", key: undefined, partitions: 3 }))).toBe(own);
  });

  it("names an anonymous function 'function'", () => {
    const anonymous = functionPartitioner(
      [() => 9][0]!, // an arrow in an array literal gets no inferred name
    );
    expect(anonymous.name).toBe("function");
    expect(
      thrown(() => anonymous.partition({ topic: "t", key: undefined, partitions: 1 })).message,
    ).toContain('partitioner "function"');
  });
});

describe("resolvePartitioner", () => {
  it("resolves each built-in name", () => {
    expect(resolvePartitioner("murmur2")).toBe(murmur2Partitioner);
    expect(resolvePartitioner("murmur3")).toBe(murmur3Partitioner);
    expect(resolvePartitioner("java-string-hash")).toBe(javaStringHashPartitioner);
    const rr = resolvePartitioner("round-robin");
    expect(rr.name).toBe("round-robin");
    expect(rr.partition({ topic: "t", key: undefined, partitions: 2 })).toBe(0);
    // A fresh rotation each time.
    expect(resolvePartitioner("round-robin")).not.toBe(rr);
  });

  it("tells the key-hashing built-ins apart, by name or by object", () => {
    for (const name of ["murmur2", "murmur3", "java-string-hash"] as const) {
      expect(isKeyHashingPartitioner(resolvePartitioner(name))).toBe(true);
    }
    expect(isKeyHashingPartitioner(resolvePartitioner(murmur2Partitioner))).toBe(true);
    expect(isKeyHashingPartitioner(resolvePartitioner("round-robin"))).toBe(false);
    expect(isKeyHashingPartitioner(resolvePartitioner(() => 0))).toBe(false);
    // A user object that merely reuses a built-in name is still the user's.
    expect(isKeyHashingPartitioner(resolvePartitioner({ name: "murmur2", partition: () => 0 }))).toBe(false);
  });

  it("wraps a function with validation", () => {
    const p = resolvePartitioner(function pickTwo() {
      return 2;
    });
    expect(p.name).toBe("pickTwo");
    expect(p.partition({ topic: "t", key: undefined, partitions: 3 })).toBe(2);
    expect(thrown(() => p.partition({ topic: "t", key: undefined, partitions: 2 })).code).toBe(
      "INVALID_MESSAGE",
    );
  });

  it("wraps a user Partitioner object with validation, keeping its name", () => {
    const user: Partitioner = { name: "tenant", partition: () => 42 };
    const p = resolvePartitioner(user);
    expect(p.name).toBe("tenant");
    const error = thrown(() => p.partition({ topic: "t", key: undefined, partitions: 3 }));
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toContain('partitioner "tenant"');
  });

  it("keeps `this` for a class-based partitioner", () => {
    class Modulo implements Partitioner {
      readonly name = "modulo";
      constructor(private readonly offset: number) {}
      partition(input: { partitions: number }) {
        return this.offset % input.partitions;
      }
    }
    expect(resolvePartitioner(new Modulo(7)).partition({ topic: "t", key: undefined, partitions: 4 })).toBe(
      3,
    );
  });

  it.each([
    ["an unknown name", "murmur"],
    ["the empty string", ""],
    ["a near miss in case", "Murmur2"],
  ])("rejects %s with INVALID_CONFIG listing the choices", (_, spec) => {
    const error = thrown(() => resolvePartitioner(spec as never));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain(`unknown partitioner "${spec}"`);
    expect(error.message).toContain('"murmur2", "murmur3", "java-string-hash", "round-robin"');
    expect(error.details).toEqual({ field: "partitioner" });
  });

  it.each([
    ["a number", 3, "number"],
    ["null", null, "null"],
    ["an object without partition()", { name: "x" }, "without a partition() method"],
    ["an array", [], "an array"],
  ])("rejects %s with INVALID_CONFIG", (_, spec, mention) => {
    const error = thrown(() => resolvePartitioner(spec as never));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain(mention);
  });
});
