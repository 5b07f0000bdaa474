/**
 * `Schema.Type` numbers of the binary protocol, keyed by the schema type names Pulsar's admin
 * API and Java client use (`AVRO`, `PROTOBUF_NATIVE`, ...), which is what a serializer declares.
 * `BYTES` has no entry: a producer without a schema is a bytes producer.
 */
export const SCHEMA_TYPES: Readonly<Record<string, number>> = {
  NONE: 0,
  STRING: 1,
  JSON: 2,
  PROTOBUF: 3,
  AVRO: 4,
  BOOLEAN: 5,
  INT8: 6,
  INT16: 7,
  INT32: 8,
  INT64: 9,
  FLOAT: 10,
  DOUBLE: 11,
  DATE: 12,
  TIME: 13,
  TIMESTAMP: 14,
  KEY_VALUE: 15,
  INSTANT: 16,
  LOCAL_DATE: 17,
  LOCAL_TIME: 18,
  LOCAL_DATE_TIME: 19,
  PROTOBUF_NATIVE: 20,
};
