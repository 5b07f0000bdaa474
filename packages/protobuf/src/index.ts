/**
 * @outbound/protobuf: a Protobuf serializer on protobufjs, with optional schema-registry framing
 * and a header naming the message type.
 */
export { messageIndexPath } from "./message-indexes.js";
export { type ProtobufTypeSource, qualifiedName } from "./message-type.js";
export { type NestedTypeLayout, readNestedTypeLayout } from "./nested-type-layout.js";
export {
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_MESSAGE_TYPE_HEADER,
  type ProtobufSerializer,
  type ProtobufSerializerOptions,
  protobufSerializer,
} from "./protobuf-serializer.js";
