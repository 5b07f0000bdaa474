import { readFileSync } from "node:fs";
import { describeCapabilities } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { kafkajsCapabilities, resolveKafkajsOptions } from "../../src/index.js";

const page = readFileSync(new URL("../../../../docs/transports/kafkajs.md", import.meta.url), "utf8");

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

describe("docs/transports/kafkajs.md", () => {
  it("its Characteristics table matches transport.capabilities with default options", () => {
    const documented = characteristics();
    const actual = describeCapabilities(
      kafkajsCapabilities(resolveKafkajsOptions({ brokers: ["127.0.0.1:9092"] })),
    );
    expect(Object.fromEntries(documented)).toEqual(actual);
  });

  it("what it says idempotence and transactionalId change is what they change", () => {
    const transactional = kafkajsCapabilities(
      resolveKafkajsOptions({ brokers: ["h:1"], transactionalId: "tx" }),
    );
    expect(describeCapabilities(transactional)).toMatchObject({
      dedup: "no",
      acks: "all",
      transactions: "yes",
    });
    expect(transactional.orderedInFlight).toBe(1);
    expect(page).toContain("Requests in flight per partition: 1");
  });
});
