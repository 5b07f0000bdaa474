import type { Serializer } from "@outbound/core";
import {
  type PulsarSchemaInfo,
  RegistryFramer,
  type SchemaRegistryOptions,
  schemaSerializationError,
} from "@outbound/schema-registry";
import type avro from "avsc";
import { type AvroSchemaSource, buildAvroType } from "./avro-type.js";
import { findInvalidField } from "./invalid-path.js";

/** The content type of Avro messages, framed or not. */
export const AVRO_CONTENT_TYPE = "application/avro";

export interface AvroSerializerOptions extends AvroSchemaSource {
  /**
   * Frame messages in the Confluent wire format with an id from a schema registry. Leave it out
   * for the bare Avro body (what Pulsar's AVRO schema expects).
   */
  registry?: SchemaRegistryOptions;
}

/** An Avro serializer; also exposes its avsc Type and the schema it declares to Pulsar. */
export interface AvroSerializer<V = unknown> extends Serializer<V> {
  readonly contentType: typeof AVRO_CONTENT_TYPE;
  /** The avsc Type, for decoding in tests and consumers (`type.fromBuffer(body)`). */
  readonly type: avro.Type;
  /** True when messages carry the Confluent wire format. */
  readonly framed: boolean;
  /** The schema for Pulsar's built-in registry; see `PulsarSchemaInfo`. */
  readonly pulsarSchema: PulsarSchemaInfo;
}

/**
 * Encodes values with an Avro schema. A value that does not match (a missing field, a string
 * where a long goes, a decimal with too many digits) fails that message with
 * `SERIALIZATION_FAILED` naming the field's path; nothing is sent for it. The schema is parsed
 * once, here, so a bad schema throws at construction.
 *
 * ```ts
 * const producer = createProducer({
 *   url: "kafka://127.0.0.1:9092",
 *   serializer: avroSerializer({ schemaFile: "order.avsc", registry: { url: "http://127.0.0.1:8081" } }),
 * });
 * ```
 */
export function avroSerializer<V = unknown>(options: AvroSerializerOptions): AvroSerializer<V> {
  const type = buildAvroType(options);
  // exportAttrs keeps logicalType, precision and scale, which the registry and consumers need.
  const schemaJson = JSON.stringify(type.schema({ exportAttrs: true }));
  const recordName = type.name ?? type.typeName;
  const framer =
    options.registry === undefined
      ? undefined
      : new RegistryFramer(options.registry, {
          serializer: "avro",
          schema: { schemaType: "AVRO", schema: schemaJson },
          recordName,
        });

  const encode = (value: unknown, topic: string): Uint8Array => {
    const invalid = findInvalidField(type, value);
    if (invalid !== undefined) {
      throw schemaSerializationError(
        "avro",
        topic,
        `value does not match the schema: expected ${invalid.expected}, got ${invalid.found}`,
        { path: invalid.path },
      );
    }
    try {
      return type.toBuffer(value);
    } catch (error) {
      // isValid passed, so this is a library edge case; still one failed message, never a partial one.
      throw schemaSerializationError("avro", topic, `encoding failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  const pulsarSchema: PulsarSchemaInfo = {
    type: "AVRO",
    name: recordName,
    data: new TextEncoder().encode(schemaJson),
    properties: {},
  };
  return {
    contentType: AVRO_CONTENT_TYPE,
    type,
    framed: framer !== undefined,
    pulsarSchema,
    // Declared to brokers that keep schemas only for bare bodies: their consumers expect no frame.
    schema: framer === undefined ? pulsarSchema : undefined,
    serialize(value, context) {
      const body = encode(value, context.topic);
      return framer === undefined ? body : framer.frame(context.topic, body);
    },
  };
}
