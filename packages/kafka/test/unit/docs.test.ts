import { readFileSync } from "node:fs";
import { describeCapabilities } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { kafkaCapabilities, resolveKafkaOptions } from "../../src/index.js";

const page = readFileSync(new URL("../../../../docs/transports/kafka.md", import.meta.url), "utf8");

/** The capability -> value rows of the page's Characteristics table. */
function characteristics(): Map<string, string> {
  const section = page.split("## Characteristics")[1]?.split("\n## ")[0] ?? "";
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 4 || cells[1] === "capability" || /^-+$/.test(cells[1] ?? "")) continue;
    rows.set(cells[1]!, cells[2]!);
  }
  return rows;
}

describe("docs/transports/kafka.md", () => {
  it("its Characteristics table matches transport.capabilities with default options", () => {
    const actual = describeCapabilities(
      kafkaCapabilities(resolveKafkaOptions({ brokers: ["127.0.0.1:9092"] })),
    );
    expect(Object.fromEntries(characteristics())).toEqual(actual);
  });

  it("what it says about requests in flight, retries and idempotent: false is what the code does", () => {
    const defaults = kafkaCapabilities(resolveKafkaOptions({ brokers: ["h:1"] }));
    const plain = kafkaCapabilities(resolveKafkaOptions({ brokers: ["h:1"], idempotent: false }));
    expect([defaults.orderedInFlight, plain.orderedInFlight, defaults.retries]).toEqual([5, 1, "transport"]);
    expect(page).toContain(
      "Requests in flight per partition: 5 (`orderedInFlight`) with idempotence, 1 without.",
    );
    expect(describeCapabilities(plain).acks).toBe("none, leader, all");
    expect(
      describeCapabilities(
        kafkaCapabilities(resolveKafkaOptions({ brokers: ["h:1"], transactionalId: "tx" })),
      ).transactions,
    ).toBe("yes");
  });
});
