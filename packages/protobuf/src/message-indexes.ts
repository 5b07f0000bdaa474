import protobuf from "protobufjs";

/**
 * The Confluent message-index path of `type` within its .proto file: its position among the
 * file's top-level messages, then among each enclosing message's nested messages, as they appear
 * in the file's descriptor. Enums and services do not count, and top-level messages of other
 * files sharing the package are skipped.
 *
 * A map field adds a synthetic `<Field>Entry` message to its message's nested types, and those
 * count. protoc places each where the map field is declared; protobufjs does not keep the
 * relative order of fields and nested messages, so entries are counted first, which matches
 * protoc when a message declares its fields before its nested messages (the usual layout) and
 * matches protobufjs's own descriptors always. Declare nested messages after map fields, or
 * check the indexes against your registry's descriptor, when a message has both.
 */
export function messageIndexPath(type: protobuf.Type): number[] {
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
    // Synthetic map-entry messages precede the declared nested ones (see above).
    const mapEntries = parent instanceof protobuf.Type ? parent.fieldsArray.filter((f) => f.map).length : 0;
    path.unshift(mapEntries + siblings.indexOf(current));
    if (!(parent instanceof protobuf.Type)) return path;
    current = parent;
  }
}
