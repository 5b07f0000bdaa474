import { readFileSync } from "node:fs";
import protobuf from "protobufjs";

/** Where a Protobuf serializer's message type comes from. */
export interface ProtobufTypeSource {
  /** A protobufjs Type, from your own Root or generated static code's reflection. */
  type?: protobuf.Type;
  /** A Root holding `messageName`. */
  root?: protobuf.Root;
  /** Path of the `.proto` file (imports resolved relative to it) holding `messageName`. */
  protoFile?: string;
  /** Fully qualified message name (`shop.v1.Order`), with `root` or `protoFile`. */
  messageName?: string;
}

/** The resolved type and, when it was read from a file, that file's source text. */
export interface ResolvedMessageType {
  type: protobuf.Type;
  /** The .proto text the type was declared in, when known. */
  source: string | undefined;
}

export function resolveMessageType(options: ProtobufTypeSource): ResolvedMessageType {
  const given = [options.type, options.root, options.protoFile].filter((s) => s !== undefined).length;
  if (given !== 1) throw new TypeError("give exactly one of type, root or protoFile");
  if (options.type !== undefined) {
    options.type.resolveAll();
    return { type: options.type, source: readSource(options.type.filename) };
  }
  if (options.messageName === undefined)
    throw new TypeError("messageName is required with root or protoFile");
  const root = options.root ?? protobuf.loadSync(options.protoFile!);
  const type = root.lookupType(options.messageName);
  type.resolveAll();
  return { type, source: readSource(type.filename) };
}

function readSource(filename: string | null | undefined): string | undefined {
  if (typeof filename !== "string" || filename.length === 0) return undefined;
  try {
    return readFileSync(filename, "utf8");
  } catch {
    return undefined;
  }
}

/** The fully qualified name without protobufjs's leading dot: `shop.v1.Order`. */
export function qualifiedName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, "");
}
