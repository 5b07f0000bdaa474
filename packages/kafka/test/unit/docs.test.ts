import { readFileSync } from "node:fs";
import { describeCapabilities } from "@outbound/core";
import { characteristicsTable } from "@outbound/kafka-test-kit";
import { describe, expect, it } from "vitest";
import { kafkaCapabilities, resolveKafkaOptions } from "../../src/index.js";

const page = readFileSync(new URL("../../../../docs/transports/kafka.md", import.meta.url), "utf8");

describe("docs/transports/kafka.md", () => {
  it("its Characteristics table matches transport.capabilities with default options", () => {
    const actual = describeCapabilities(
      kafkaCapabilities(resolveKafkaOptions({ brokers: ["127.0.0.1:9092"] })),
    );
    expect(characteristicsTable(page)).toEqual(actual);
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
