/**
 * @outbound/avro: an Avro serializer on avsc, with the timestamp-millis, decimal and uuid logical
 * types and optional schema-registry framing.
 */
export {
  AVRO_CONTENT_TYPE,
  type AvroSerializer,
  type AvroSerializerOptions,
  avroSerializer,
} from "./avro-serializer.js";
export { type AvroSchemaSource, buildAvroType } from "./avro-type.js";
export { avroLogicalTypes, DecimalType, TimestampMillisType, UuidType } from "./logical-types/index.js";
