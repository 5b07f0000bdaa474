import protobuf from "protobufjs";
import type { NestedTypeLayout } from "./nested-type-layout.js";

/**
 * The Confluent message-index path of `type` within its .proto file: its position among the
 * file's top-level messages, then among each enclosing message's nested messages, as they appear
 * in the file's descriptor. Enums and services do not count, and top-level messages of other
 * files sharing the package are skipped.
 *
 * A map field adds a synthetic `<Field>Entry` message to its message's nested types, and those
 * count. protoc places each where the map field is declared. With the .proto source (`layout`,
 * see `readNestedTypeLayout`) the order is read from it; without (a type built in code), entries
 * are counted first, which matches protobufjs's own descriptors and protoc whenever a message
 * declares its map fields before its nested messages.
 */
export function messageIndexPath(type: protobuf.Type, layout?: NestedTypeLayout): number[] {
  const path: number[] = [];
  let current: protobuf.Type = type;
  for (;;) {
    const parent = current.parent;
    if (parent === null) throw new Error(`message ${current.fullName} is not in a namespace`);
    const siblings = parent.nestedArray.filter(
      (nested): nested is protobuf.Type =>
        nested instanceof protobuf.Type &&
        (parent instanceof protobuf.Type || nested.filename === current.filename),
    );
    const fromSource =
      parent instanceof protobuf.Type ? layout?.get(relativePath(parent))?.indexOf(current.name) : undefined;
    if (fromSource !== undefined && fromSource >= 0) {
      path.unshift(fromSource);
    } else {
      // Synthetic map-entry messages precede the declared nested ones (see above).
      const mapEntries = parent instanceof protobuf.Type ? parent.fieldsArray.filter((f) => f.map).length : 0;
      path.unshift(mapEntries + siblings.indexOf(current));
    }
    if (!(parent instanceof protobuf.Type)) return path;
    current = parent;
  }
}

/** `Order.Line` for `.shop.v1.Order.Line`: the message path below the package. */
function relativePath(type: protobuf.Type): string {
  const names: string[] = [];
  let current: protobuf.ReflectionObject | null = type;
  while (current instanceof protobuf.Type) {
    names.unshift(current.name);
    current = current.parent;
  }
  return names.join(".");
}
