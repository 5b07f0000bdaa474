import type { Serializer } from "@outbound/core";
import {
  type PulsarSchemaInfo,
  RegistryFramer,
  type SchemaRegistryOptions,
  schemaSerializationError,
} from "@outbound/schema-registry";
import type protobuf from "protobufjs";
import { messageIndexPath } from "./message-indexes.js";
import { type ProtobufTypeSource, qualifiedName, resolveMessageType } from "./message-type.js";
import { readNestedTypeLayout } from "./nested-type-layout.js";
import { InvalidProtobufField, locateInvalidField, prepareValue } from "./prepare-value.js";
import { fileDescriptorProtoBase64, pulsarNativeSchema } from "./type-descriptor.js";

/** The content type of Protobuf messages, framed or not. */
export const PROTOBUF_CONTENT_TYPE = "application/x-protobuf";

/**
 * Header naming the fully qualified message type of the body (`shop.v1.Order`), so a consumer can
 * pick the type without a registry. The name follows the lower-case style of `content-type`.
 */
export const PROTOBUF_MESSAGE_TYPE_HEADER = "protobuf-message-type";

export interface ProtobufSerializerOptions extends ProtobufTypeSource {
  /**
   * Frame messages in the Confluent wire format (schema id and message indexes) with an id from a
   * schema registry. Leave it out for the bare Protobuf body.
   */
  registry?: SchemaRegistryOptions;
  /**
   * The schema text to register. Default: the .proto file the type was loaded from, else a
   * base64 FileDescriptorProto built from the type (Confluent's registries accept both).
   */
  registrySchema?: string;
}

/** A Protobuf serializer; also exposes its type and the schema it declares to Pulsar. */
export interface ProtobufSerializer<V = unknown> extends Serializer<V> {
  readonly contentType: typeof PROTOBUF_CONTENT_TYPE;
  readonly type: protobuf.Type;
  /** `shop.v1.Order`, as sent in the `protobuf-message-type` header. */
  readonly messageName: string;
  /** The Confluent message-index path of the type in its file. */
  readonly messageIndexes: readonly number[];
  readonly framed: boolean;
  /** The PROTOBUF_NATIVE schema for Pulsar's built-in registry; see `PulsarSchemaInfo`. */
  readonly pulsarSchema: PulsarSchemaInfo;
}

/**
 * Encodes values as one Protobuf message type. Takes plain objects (protobufjs's camelCase field
 * names unless the root was loaded with `keepCase`) or instances of the type. A value whose
 * fields do not verify, that names a field the type does not have, or gives an unknown enum name
 * fails that message with `SERIALIZATION_FAILED` naming the field; nothing is sent for it.
 */
export function protobufSerializer<V = unknown>(options: ProtobufSerializerOptions): ProtobufSerializer<V> {
  const { type, source } = resolveMessageType(options);
  const messageName = qualifiedName(type);
  const messageIndexes = messageIndexPath(
    type,
    source === undefined ? undefined : readNestedTypeLayout(source),
  );
  const framer =
    options.registry === undefined
      ? undefined
      : new RegistryFramer(options.registry, {
          serializer: "protobuf",
          schema: {
            schemaType: "PROTOBUF",
            schema: options.registrySchema ?? source ?? fileDescriptorProtoBase64(type),
          },
          recordName: messageName,
          messageIndexes,
        });

  const encode = (value: unknown, topic: string): Uint8Array => {
    let message: unknown;
    try {
      message = prepareValue(type, value);
      if (!(message instanceof type.ctor) && type.verify(message as Record<string, unknown>) !== null) {
        throw locateInvalidField(type, message as Record<string, unknown>);
      }
      // finish() copies out of the writer's buffers: the message is whole or it is not returned.
      return type.encode(message as Record<string, unknown>).finish();
    } catch (error) {
      if (error instanceof InvalidProtobufField) {
        throw schemaSerializationError(
          "protobuf",
          topic,
          `value does not match ${messageName}: ${error.problem}`,
          {
            path: error.path,
          },
        );
      }
      throw schemaSerializationError(
        "protobuf",
        topic,
        `encoding ${messageName} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };

  // Built on first use: the descriptor set is only needed where a broker keeps schemas.
  let nativeSchema: PulsarSchemaInfo | undefined;
  return {
    contentType: PROTOBUF_CONTENT_TYPE,
    type,
    messageName,
    messageIndexes,
    framed: framer !== undefined,
    get pulsarSchema() {
      nativeSchema ??= pulsarNativeSchema(type);
      return nativeSchema;
    },
    // Declared to brokers that keep schemas only for bare bodies: their consumers expect no frame.
    get schema() {
      if (framer !== undefined) return undefined;
      nativeSchema ??= pulsarNativeSchema(type);
      return nativeSchema;
    },
    serialize(value, context) {
      const body = encode(value, context.topic);
      context.headers[PROTOBUF_MESSAGE_TYPE_HEADER] = messageName;
      return framer === undefined ? body : framer.frame(context.topic, body);
    },
  };
}
