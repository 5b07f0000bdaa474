import { createProducer } from "@outbound/core";
import { describe, expect, it } from "vitest";
import { resolvePulsarOptions } from "../../src/config.js";

const url = "pulsar://127.0.0.1:6650";

describe("the pulsar config section", () => {
  it("refuses an unknown key, here or under reconnect, naming the closest valid one", () => {
    expect(() => resolvePulsarOptions({ batchMaxRecord: 5 } as never, { url })).toThrow(
      /"pulsar.batchMaxRecord" \(did you mean "batchMaxRecords"\?\)/,
    );
    expect(() => resolvePulsarOptions({ reconnect: { maxMS: 5 } } as never, { url })).toThrow(
      /"pulsar.reconnect.maxMS" \(did you mean "maxMs"\?\)/,
    );
    expect(() => resolvePulsarOptions({ batchMaxBytes: 0 }, { url })).toThrow(
      /option "batchMaxBytes" must be a positive integer/,
    );
  });

  it("is a compile error too, and INVALID_CONFIG at connect", async () => {
    // If the TransportOptionsMap merge in src/config.ts stopped applying, this directive would
    // be unused and the typecheck would fail.
    // @ts-expect-error "acessMode" is not a Pulsar option
    const producer = createProducer({ url, pulsar: { acessMode: "Exclusive" } });
    await expect(producer.connect()).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await producer.close();
  });
});
