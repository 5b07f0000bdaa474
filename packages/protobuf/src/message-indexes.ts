import protobuf from "protobufjs";

/**
 * The Confluent message-index path of `type` within its .proto file: its position among the
 * file's top-level messages, then among each enclosing message's nested messages, in declaration
 * order. Enums and services do not count, and top-level messages of other files sharing the
 * package are skipped.
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
    path.unshift(siblings.indexOf(current));
    if (!(parent instanceof protobuf.Type)) return path;
    current = parent;
  }
}
