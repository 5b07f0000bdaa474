import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { thrownOutboundError } from "@outbound/contract";
import { type Logger, silentLogger, type Transport, type TransportModule } from "@outbound/core";
import * as kafka from "@outbound/kafka";
import * as kafkajs from "@outbound/kafkajs";
import * as pulsar from "@outbound/pulsar";
import * as rabbitmq from "@outbound/rabbitmq";
import * as sqs from "@outbound/sqs";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The built-in transports have one shape, so that whoever knows one can read the others and a
 * third party has a model to copy: the same files, the same factory signature, the same option
 * naming. Nothing here connects; every transport is created and closed again.
 */

type Factory = (
  options: Record<string, unknown>,
  settings?: { logger?: Logger; clientId?: string },
) => Transport;

interface Subject {
  name: string;
  module: TransportModule;
  factory: Factory;
  /** The least a factory needs to build a transport that has not connected. */
  minimal: Record<string, unknown>;
  /** Files holding option interfaces, scanned for durations named without `Ms`. */
  optionFiles: string[];
}

const root = fileURLToPath(new URL("../../..", import.meta.url));
const subjects: Subject[] = [
  {
    name: "kafka",
    module: kafka.transport as TransportModule,
    factory: kafka.kafkaTransport as unknown as Factory,
    minimal: { brokers: ["127.0.0.1:1"] },
    optionFiles: ["packages/kafka/src/config.ts", "packages/kafka-common/src/options.ts"],
  },
  {
    name: "kafkajs",
    module: kafkajs.transport as TransportModule,
    factory: kafkajs.kafkajsTransport as unknown as Factory,
    minimal: { brokers: ["127.0.0.1:1"] },
    optionFiles: ["packages/kafkajs/src/config.ts", "packages/kafka-common/src/options.ts"],
  },
  {
    name: "rabbitmq",
    module: rabbitmq.transport as TransportModule,
    factory: rabbitmq.rabbitmqTransport as unknown as Factory,
    minimal: {},
    optionFiles: ["packages/rabbitmq/src/config.ts"],
  },
  {
    name: "sqs",
    module: sqs.transport as TransportModule,
    factory: sqs.sqsTransport as unknown as Factory,
    minimal: { region: "us-east-1" },
    optionFiles: ["packages/sqs/src/config.ts"],
  },
  {
    name: "pulsar",
    module: pulsar.transport as TransportModule,
    factory: pulsar.pulsarTransport as unknown as Factory,
    minimal: { serviceUrl: "pulsar://127.0.0.1:1" },
    optionFiles: ["packages/pulsar/src/config.ts"],
  },
];

const created: Transport[] = [];
const made = (transport: Transport): Transport => {
  created.push(transport);
  return transport;
};
afterAll(async () => {
  await Promise.all(created.map((t) => t.close()));
});

const DURATION_WORDS = new Set(["timeout", "interval", "age", "delay", "linger", "backoff", "wait"]);

/** Numeric options whose name says they are a duration, with whether their TSDoc deprecates them. */
function durationOptions(source: string): { name: string; deprecated: boolean }[] {
  const out: { name: string; deprecated: boolean }[] = [];
  const field = /(\/\*\*(?:[^*]|\*(?!\/))*\*\/\s*)?^\s+(\w+)\?: number;/gm;
  for (const match of source.matchAll(field)) {
    const name = match[2]!;
    const words = name.split(/(?=[A-Z])/).map((w) => w.toLowerCase());
    if (!words.some((w) => DURATION_WORDS.has(w))) continue;
    out.push({ name, deprecated: (match[1] ?? "").includes("@deprecated") });
  }
  return out;
}

describe.each(subjects)("the $name transport's shape", (subject) => {
  it("has the files every transport has", () => {
    for (const file of [
      "index.ts",
      "transport.ts",
      "config.ts",
      "mapping.ts",
      "errors.ts",
      "capabilities.ts",
    ]) {
      expect(existsSync(`${root}packages/${subject.name}/src/${file}`), file).toBe(true);
    }
  });

  it("is built by (options, settings) and by its module from a TransportConfig, alike", () => {
    expect(subject.factory.length).toBeLessThanOrEqual(2);
    const direct = made(subject.factory(subject.minimal, { logger: silentLogger, clientId: "shape" }));
    const fromModule = made(
      subject.module.create({ options: subject.minimal, clientId: "shape", logger: silentLogger }),
    );
    for (const transport of [direct, fromModule]) {
      expect(transport.name).toBe(subject.module.name);
      expect(typeof transport.send).toBe("function");
      expect(transport.capabilities.maxMessageBytes).toBeGreaterThan(0);
    }
    expect(fromModule.constructor).toBe(direct.constructor);
  });

  it("refuses a misspelt option with INVALID_CONFIG naming the one meant", () => {
    const error = thrownOutboundError(() => subject.factory({ ...subject.minimal, connectionTimeoutMS: 5 }));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain('did you mean "connectionTimeoutMs"?');
  });

  it("names every duration with Ms, a former name only as a deprecated alias", () => {
    const durations = subject.optionFiles.flatMap((file) =>
      durationOptions(readFileSync(`${root}${file}`, "utf8")),
    );
    expect(durations.length).toBeGreaterThan(0);
    const unsuffixed = durations.filter((d) => !d.name.endsWith("Ms") && !d.deprecated).map((d) => d.name);
    expect(unsuffixed).toEqual([]);
    // Every transport has a connect timeout under the same name.
    expect(() => made(subject.factory({ ...subject.minimal, connectionTimeoutMs: 1234 }))).not.toThrow();
  });
});
