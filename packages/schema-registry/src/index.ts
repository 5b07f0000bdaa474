/**
 * @outbound/schema-registry: the Confluent wire format and the registry client glue shared by
 * `@outbound/avro` and `@outbound/protobuf`. The framed bytes are the same on every broker.
 */
export {
  type HttpRegistryClientOptions,
  HttpSchemaRegistryClient,
  RegistryRequestError,
} from "./http-registry-client.js";
export { MemorySchemaRegistry } from "./memory-registry.js";
export { encodeMessageIndexes, readMessageIndexes } from "./message-indexes.js";
export type { PulsarSchemaInfo } from "./pulsar-schema.js";
export type {
  RegistrySchema,
  RegistrySchemaReference,
  RegistrySchemaType,
  SchemaRegistryClient,
} from "./registry-client.js";
export { type FramedSchema, RegistryFramer } from "./registry-framer.js";
export type { SchemaRegistryOptions } from "./registry-options.js";
export { schemaSerializationError } from "./serialization-error.js";
export {
  recordNameStrategy,
  resolveSubjectNameStrategy,
  type SubjectNameInput,
  type SubjectNameStrategy,
  type SubjectNameStrategyName,
  topicNameStrategy,
  topicRecordNameStrategy,
} from "./subject-name-strategy.js";
export {
  type ConfluentFrame,
  FRAME_HEADER_BYTES,
  frameConfluent,
  MAGIC_BYTE,
  parseConfluentFrame,
} from "./wire-format.js";
