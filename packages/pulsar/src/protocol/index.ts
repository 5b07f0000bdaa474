export {
  type BatchEntry,
  BatchPayload,
  type DecodedBatchEntry,
  decodeBatchPayload,
  encodeBatchPayload,
  type KeyValue,
  type SingleMessageFields,
} from "./batch.js";
export {
  CommandType,
  LookupType,
  PartitionedMetadataResult,
  ProducerAccessMode,
  type ProducerAccessModeName,
} from "./command-type.js";
export { COMPRESSION_TYPES, type CompressionCodec, compress, decompress, loadLz4 } from "./compression.js";
export { CRC32C_IMPLEMENTATION, crc32c, crc32cSoftware } from "./crc32c.js";
export {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeCommand,
  encodePayloadCommand,
  type Frame,
  FrameDecoder,
  MAGIC_CRC32C,
  type PayloadWriter,
} from "./frame.js";
export { FrameError, type FrameErrorReason } from "./frame-error.js";
export { longToNumber, longToString } from "./long.js";
export { PULSAR_PROTO, proto, serverErrorName } from "./schema.js";
export { SCHEMA_TYPES } from "./schema-type.js";
export { utf8Length } from "./wire.js";
