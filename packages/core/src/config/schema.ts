import { z } from "zod";
import type { DeadLetterOptions } from "../dead-letter/options.js";
import type { DeadLetterSink } from "../dead-letter/sink.js";
import type { Logger } from "../logging/index.js";
import type { Partitioner, PartitionFunction } from "../partitioner/partitioner.js";
import type { Serializer } from "../serializer/serializer.js";
import type { Transport, TransportModule } from "../transport/index.js";

const MiB = 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

const transportInstance = z.custom<Transport>(
  (v) =>
    isObject(v) &&
    typeof v.send === "function" &&
    typeof v.partitions === "function" &&
    isObject(v.capabilities),
  { message: "expected a transport name, a Transport object or a transport module" },
);
const transportModule = z.custom<TransportModule>(
  (v) => isObject(v) && typeof v.create === "function" && typeof v.name === "string",
);
const partitionerObject = z.custom<Partitioner>((v) => isObject(v) && typeof v.partition === "function");
const partitionFunction = z.custom<PartitionFunction>((v) => typeof v === "function");
const serializerObject = z.custom<Serializer>(
  (v) => isObject(v) && typeof v.serialize === "function" && typeof v.contentType === "string",
  { message: 'expected "json", "string", "bytes" or an object with contentType and serialize()' },
);
const loggerObject = z.custom<Logger>(
  (v) => isObject(v) && ["debug", "info", "warn", "error"].every((m) => typeof v[m] === "function"),
  { message: "expected a logger with debug, info, warn and error methods (pino or console shape)" },
);

const deadLetterOptions = z
  .object({
    topic: z
      .union([z.string().min(1), z.custom<(t: string) => string>((v) => typeof v === "function")])
      .optional(),
    producer: z
      .custom<NonNullable<DeadLetterOptions["producer"]>>(
        (v) => isObject(v) && typeof v.sendSerialized === "function",
        { message: "expected an Outbound producer" },
      )
      .optional(),
    file: z.string().min(1).optional(),
    sink: z
      .custom<DeadLetterSink>((v) => isObject(v) && typeof v.write === "function", {
        message: "expected a sink with write()",
      })
      .optional(),
    when: z.custom<NonNullable<DeadLetterOptions["when"]>>((v) => typeof v === "function").optional(),
  })
  .strict()
  .refine(
    (d) => [d.topic !== undefined && !d.producer, d.producer, d.file, d.sink].filter(Boolean).length === 1,
    {
      message: "give exactly one of topic, producer (with topic), file or sink",
    },
  )
  .refine((d) => !d.producer || d.topic !== undefined, {
    message: "producer needs a topic",
    path: ["topic"],
  });

const ms = (max: number) => z.number().int().min(0).max(max);

/** Every producer option, its type and its default. `docs/guide/configuration.md` mirrors this. */
export const producerOptionsSchema = z.object({
  url: z.string().min(1).optional(),
  transport: z.union([z.string().min(1), transportInstance, transportModule]).optional(),
  clientId: z.string().min(1).default("outbound"),
  acks: z.enum(["none", "leader", "all"]).default("all"),
  lingerMs: ms(60_000).default(0),
  batchMaxRecords: z.number().int().min(1).optional(),
  batchMaxBytes: z.number().int().min(1).optional(),
  bufferMaxBytes: z
    .number()
    .int()
    .min(1024)
    .default(32 * MiB),
  onBufferFull: z.enum(["block", "reject"]).default("block"),
  maxBlockMs: ms(3_600_000).default(60_000),
  deliveryTimeoutMs: z.number().int().min(1).max(86_400_000).default(120_000),
  requestTimeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
  retry: z
    .object({
      initialMs: ms(60_000).default(100),
      maxMs: ms(600_000).default(1_000),
      multiplier: z.number().min(1).max(10).default(2),
      jitter: z.number().min(0).max(1).default(0.2),
    })
    .strict()
    .prefault({}),
  maxInFlightPerPartition: z.number().int().min(1).max(1000).optional(),
  metadataMaxAgeMs: ms(86_400_000).default(300_000),
  partitioner: z
    .union([
      z.enum(["murmur2", "murmur3", "java-string-hash", "round-robin"]),
      partitionerObject,
      partitionFunction,
    ])
    .optional(),
  serializer: z.union([z.enum(["json", "string", "bytes"]), serializerObject]).default("json"),
  closeTimeoutMs: ms(3_600_000).default(30_000),
  logger: loggerObject.optional(),
  deadLetter: deadLetterOptions.optional(),
  telemetry: z
    .object({
      tracing: z.boolean().optional(),
      metrics: z.boolean().optional(),
      api: z.unknown().optional(),
      tracerProvider: z.unknown().optional(),
      meterProvider: z.unknown().optional(),
    })
    .strict()
    .optional(),
});

export type ProducerOptionsInput = z.input<typeof producerOptionsSchema>;
export type ResolvedProducerOptions = z.output<typeof producerOptionsSchema>;

/** Options that name a transport's own settings section, e.g. `{ kafka: { brokers } }`. */
export type TransportSections = { [transportName: string]: unknown };

/**
 * The options type of each transport's config section, filled in by the transport packages
 * through declaration merging, so that `createProducer({ kafka: { idempotant: true } })` is a
 * compile error wherever `@outbound/kafka`'s types are part of the program:
 *
 * ```ts
 * declare module "@outbound/core" {
 *   interface TransportOptionsMap { kafka: KafkaTransportOptions }
 * }
 * ```
 *
 * A transport loaded by URL alone is never imported, so its types are not seen: add an empty
 * type-only import of the transport package (or name it in tsconfig's `types`) to have its
 * section checked. (Spelled out here, the import would read to package checkers as one that
 * core makes.) Unknown keys are refused at runtime either way (`INVALID_CONFIG`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each transport's declaration merge
export interface TransportOptionsMap {}

/** The built-in transports' section names; those whose types are not loaded accept any object. */
type BuiltinSectionName = "kafka" | "kafkajs" | "rabbitmq" | "sqs" | "pulsar" | "memory";

/** What `createProducer` accepts: the engine's options plus one section per transport. */
export type ProducerConfig = ProducerOptionsInput & {
  [Name in keyof TransportOptionsMap]?: TransportOptionsMap[Name];
} & {
  [Name in Exclude<BuiltinSectionName, keyof TransportOptionsMap>]?: unknown;
};

export const ENGINE_OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(producerOptionsSchema.shape));
