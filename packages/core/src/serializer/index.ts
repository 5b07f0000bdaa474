export { type BytesValue, bytesSerializer } from "./bytes.js";
export { CONTENT_TYPE_HEADER } from "./content-type.js";
export { jsonSerializer } from "./json.js";
export { resolveSerializer, SERIALIZER_NAMES, type SerializerName, type SerializerSpec } from "./resolve.js";
export type { SchemaDeclaration, SerializeContext, Serializer } from "./serializer.js";
export { stringSerializer } from "./string.js";
