import { readFileSync } from "node:fs";
import { describeCapabilities } from "@outbound/core";
import { characteristicsTable } from "@outbound/kafka-test-kit";
import { describe, expect, it } from "vitest";
import { kafkajsCapabilities, resolveKafkajsOptions } from "../../src/index.js";

const page = readFileSync(new URL("../../../../docs/transports/kafkajs.md", import.meta.url), "utf8");

describe("docs/transports/kafkajs.md", () => {
  it("its Characteristics table matches transport.capabilities with default options", () => {
    const actual = describeCapabilities(
      kafkajsCapabilities(resolveKafkajsOptions({ brokers: ["127.0.0.1:9092"] })),
    );
    expect(characteristicsTable(page)).toEqual(actual);
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
