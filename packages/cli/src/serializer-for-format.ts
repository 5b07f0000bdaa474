import type { SerializerSpec } from "@outbound/core";
import type { Format } from "./message-source.js";
import { importOptional } from "./optional-package.js";
import { UsageError } from "./usage-error.js";

export interface SchemaOptions {
  schema?: string;
  messageType?: string;
}

/** The serializer each input format implies; Avro and Protobuf read their schema file once, here. */
export async function serializerForFormat(format: Format, options: SchemaOptions): Promise<SerializerSpec> {
  if (format === "text") return "string";
  if (format === "json" || format === "jsonl") {
    if (options.schema !== undefined)
      throw new UsageError(`--schema applies to --format avro or protobuf, not ${format}`);
    return "json";
  }
  if (options.schema === undefined) throw new UsageError(`--format ${format} needs --schema FILE`);
  try {
    if (format === "avro") {
      const { avroSerializer } = await importOptional<typeof import("@outbound/avro")>(
        "@outbound/avro",
        "--format avro",
      );
      return avroSerializer({ schemaFile: options.schema });
    }
    if (options.messageType === undefined) {
      throw new UsageError(
        "--format protobuf needs --message-type NAME (the fully qualified message, e.g. shop.v1.Order)",
      );
    }
    const { protobufSerializer } = await importOptional<typeof import("@outbound/protobuf")>(
      "@outbound/protobuf",
      "--format protobuf",
    );
    return protobufSerializer({ protoFile: options.schema, messageName: options.messageType });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--schema ${options.schema}: ${(error as Error).message}`);
  }
}
