/** The schema formats a Confluent-compatible registry stores. */
export type RegistrySchemaType = "AVRO" | "PROTOBUF" | "JSON";

/** A reference from one schema to another registered one (a Protobuf import, a named Avro type). */
export interface RegistrySchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as the registry's REST API takes it. */
export interface RegistrySchema {
  schemaType: RegistrySchemaType;
  /** Avro: the schema JSON. Protobuf: the .proto source, or a base64 FileDescriptorProto. */
  schema: string;
  references?: RegistrySchemaReference[];
}

/**
 * What the serializers need from a schema registry: two calls, so tests and applications can
 * inject an in-memory registry (`MemorySchemaRegistry`) or their own client instead of the HTTP
 * one.
 */
export interface SchemaRegistryClient {
  /** The id of `schema` as registered under `subject`; rejects when it is not registered there. */
  getId(subject: string, schema: RegistrySchema): Promise<number>;
  /** Registers `schema` under `subject` (a no-op when already there) and returns its id. */
  register(subject: string, schema: RegistrySchema): Promise<number>;
}
