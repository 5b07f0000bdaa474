import { describe, expect, it } from "vitest";
import { parseArgs } from "../src/args.js";
import { grid, planFor } from "../src/plan.js";
import { selectGroups } from "../src/plan-select.js";

const label = (w: { size: number; keyed: boolean; partitions: number }) =>
  `${w.size}/${w.keyed ? "keyed" : "unkeyed"}/p${w.partitions}`;

describe("bench plan", () => {
  it("the axes grid measures every size, keyed and unkeyed, and 8 partitions where the broker partitions", () => {
    const partitioned = grid(true).map(label);
    expect(partitioned).toEqual([
      "100/unkeyed/p1",
      "1024/unkeyed/p1",
      "10240/unkeyed/p1",
      "100/keyed/p1",
      "100/unkeyed/p8",
      "100/keyed/p8",
    ]);
    expect(grid(false).map(label)).toEqual(partitioned.slice(0, 4));
    expect(grid(true, "factorial")).toHaveLength(12);
    expect(grid(false, "factorial")).toHaveLength(6);
  });

  it("the quick run measures the base workload only, with the JVM ceilings in the first round", () => {
    const kafka = planFor("kafka", true);
    const max = kafka.filter((g) => g.kind === "max");
    expect(max.map((g) => label(g.workload))).toEqual(["100/unkeyed/p1"]);
    const java = max[0]!.targets.find((t) => t.driver === "java-producer-performance");
    expect(java?.firstRoundOnly).toBe(true);
  });

  it("the full run repeats the ceilings every round on the base workload only", () => {
    for (const transport of ["kafka", "rabbitmq", "pulsar"] as const) {
      const max = planFor(transport, false).filter((g) => g.kind === "max");
      const ceilings = max.map((g) => g.targets.find((t) => t.driver.startsWith("java-")));
      expect(ceilings.every((c) => c !== undefined)).toBe(true);
      expect(ceilings[0]!.firstRoundOnly).toBe(false);
      expect(ceilings.slice(1).every((c) => c!.firstRoundOnly === true)).toBe(true);
    }
    // Overload runs on every broker in the full run, on Kafka only in the quick run.
    expect(planFor("sqs", false).some((g) => g.kind === "overload")).toBe(true);
    expect(planFor("sqs", true).some((g) => g.kind === "overload")).toBe(false);
  });

  it("overloads at 3x and 10x of Outbound's own max, beside the harness alone at the same rate", () => {
    const overload = planFor("kafka", true).filter((g) => g.kind === "overload");
    expect(overload.map((g) => g.rateFactor)).toEqual([3, 10]);
    for (const g of overload) {
      expect(g.rateFrom).toBe("outbound");
      expect(g.targets.map((t) => [t.driver, t.produce ?? false])).toEqual([
        ["outbound", false],
        ["outbound", true],
        ["harness-only", true],
      ]);
    }
  });

  it("--only keeps the named groups and the one max target their rate comes from", () => {
    const kafka = planFor("kafka", true);
    const only = selectGroups(kafka, ["overload"]);
    expect(only.map((g) => `${g.kind}${g.rateFactor ?? ""}`)).toEqual(["max", "overload3", "overload10"]);
    expect(only[0]!.targets.map((t) => t.driver)).toEqual(["outbound"]);
    expect(only[0]!.targets[0]!.label).toBeUndefined();
    expect(selectGroups(kafka, ["serial"]).map((g) => g.kind)).toEqual(["serial"]);
    expect(selectGroups(kafka, [])).toEqual(kafka);
    expect(parseArgs(["--only", "overload,open"]).only).toEqual(["overload", "open"]);
    expect(() => parseArgs(["--only", "everything"])).toThrow(/unknown group/);
  });

  it("plans the outbox groups, throughput and latency, on Kafka and the memory broker", () => {
    for (const transport of ["kafka", "memory"] as const) {
      const kinds = planFor(transport, true).map((g) => g.kind);
      expect(kinds).toContain("outbox");
      expect(kinds).toContain("outbox-latency");
    }
  });

  it("--grid takes axes or factorial and nothing else", () => {
    expect(parseArgs([]).grid).toBe("axes");
    expect(parseArgs(["--grid", "factorial"]).grid).toBe("factorial");
    expect(() => parseArgs(["--grid", "everything"])).toThrow(/axes or factorial/);
  });
});
