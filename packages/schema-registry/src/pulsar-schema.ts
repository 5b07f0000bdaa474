/**
 * The schema a serializer declares for Pulsar's built-in registry, in the shape of Pulsar's
 * `SchemaInfo` (the `Schema` field of the PRODUCER command). A Pulsar transport that finds a
 * `pulsarSchema` on the producer's serializer sends it with every PRODUCER command, so the broker
 * stores the topic's schema and refuses an incompatible one.
 */
export interface PulsarSchemaInfo {
  /** Pulsar's schema type: `AVRO` (4 in PulsarApi.proto) or `PROTOBUF_NATIVE` (20). */
  type: "AVRO" | "PROTOBUF_NATIVE";
  /** The record or message's fully qualified name, used as the schema name. */
  name: string;
  /**
   * The schema data as Pulsar stores it: for AVRO, the Avro schema JSON in UTF-8; for
   * PROTOBUF_NATIVE, the UTF-8 JSON `{ fileDescriptorSet, rootMessageTypeName,
   * rootFileDescriptorName }` with the FileDescriptorSet base64-encoded, as Pulsar's Java client
   * writes it.
   */
  data: Uint8Array;
  properties: Record<string, string>;
}
