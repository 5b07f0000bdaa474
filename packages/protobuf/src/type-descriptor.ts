import type { PulsarSchemaInfo } from "@outbound/schema-registry";
import protobuf from "protobufjs";
// Adds Root#toDescriptor: protobufjs's own reflection-to-descriptor conversion.
import "protobufjs/ext/descriptor/index.js";
import { qualifiedName } from "./message-type.js";

interface FileDescriptorProtoLike {
  name?: string;
  package?: string;
  messageType?: { name?: string }[];
}
interface FileDescriptorSetLike {
  file: FileDescriptorProtoLike[];
}

function rootOf(type: protobuf.Type): protobuf.Root {
  const root = type.root;
  if (!(root instanceof protobuf.Root)) throw new Error(`message ${type.fullName} is not in a Root`);
  return root;
}

function descriptorSet(type: protobuf.Type): {
  set: protobuf.Message & FileDescriptorSetLike;
  file: FileDescriptorProtoLike;
} {
  const root = rootOf(type) as protobuf.Root & {
    toDescriptor(syntax?: string): protobuf.Message & FileDescriptorSetLike;
  };
  const set = root.toDescriptor("proto3");
  const packageName = qualifiedName(type.parent as protobuf.ReflectionObject);
  const topLevel = topLevelMessage(type).name;
  const file = set.file.find(
    (f) => (f.package ?? "") === packageName && (f.messageType ?? []).some((m) => m.name === topLevel),
  );
  if (file === undefined) throw new Error(`no file descriptor holds ${type.fullName}`);
  return { set, file };
}

function topLevelMessage(type: protobuf.Type): protobuf.Type {
  let current = type;
  while (current.parent instanceof protobuf.Type) current = current.parent;
  return current;
}

/** The type's file as a base64 FileDescriptorProto, the form Confluent's registries also accept. */
export function fileDescriptorProtoBase64(type: protobuf.Type): string {
  const { file } = descriptorSet(type);
  const encoded = (file as unknown as { $type: protobuf.Type }).$type
    .encode(file as protobuf.Message)
    .finish();
  return Buffer.from(encoded).toString("base64");
}

/**
 * Pulsar's PROTOBUF_NATIVE schema: the FileDescriptorSet of the type's root, base64-encoded in a
 * JSON document with the root message and file names, as Pulsar's Java client builds it.
 */
export function pulsarNativeSchema(type: protobuf.Type): PulsarSchemaInfo {
  const { set, file } = descriptorSet(type);
  const encoded = (set as unknown as { $type: protobuf.Type }).$type.encode(set).finish();
  const document = {
    fileDescriptorSet: Buffer.from(encoded).toString("base64"),
    rootMessageTypeName: qualifiedName(type),
    rootFileDescriptorName: file.name ?? "",
  };
  return {
    type: "PROTOBUF_NATIVE",
    name: qualifiedName(type),
    data: new TextEncoder().encode(JSON.stringify(document)),
    properties: {},
  };
}
