/**
 * The order of nested message types inside each message of a .proto source, as protoc lays them
 * out in the file's descriptor: declared nested messages and the synthetic `<Field>Entry`
 * message of each map field (and proto2 groups), interleaved in source order. Confluent's message
 * indexes count positions in that list, and protobufjs's reflection does not keep the
 * interleaving, so it is read from the source.
 *
 * Keys are message paths relative to the package (`Order`, `Order.Line`).
 */
export type NestedTypeLayout = Map<string, string[]>;

const TOKEN = /[A-Za-z_][A-Za-z0-9_.]*|\d[\w.+-]*|[{}<>;=,()[\]]/g;

export function readNestedTypeLayout(source: string): NestedTypeLayout {
  const tokens = stripCommentsAndStrings(source).match(TOKEN) ?? [];
  const layout: NestedTypeLayout = new Map();
  // Each open brace: the message path it opens, or undefined for any other block.
  const scopes: (string | undefined)[] = [];
  const currentMessage = (): string | undefined => scopes.at(-1);
  const record = (parent: string, name: string) => {
    const list = layout.get(parent) ?? [];
    layout.set(parent, list);
    list.push(name);
  };
  let pendingMessage: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const parent = currentMessage();
    const insideMessage = parent !== undefined && scopes.length > 0;
    if (token === "message" && isIdentifier(tokens[i + 1]) && tokens[i + 2] === "{") {
      const name = tokens[i + 1]!;
      if (insideMessage) record(parent, name);
      pendingMessage = insideMessage ? `${parent}.${name}` : name;
      layout.set(pendingMessage, layout.get(pendingMessage) ?? []);
      i += 1;
    } else if (token === "group" && insideMessage && isIdentifier(tokens[i + 1]) && tokens[i + 2] === "=") {
      const name = tokens[i + 1]!;
      record(parent, name);
      // The group's body opens at the next brace.
      let j = i + 2;
      while (j < tokens.length && tokens[j] !== "{") j++;
      pendingMessage = `${parent}.${name}`;
      i = j - 1;
    } else if (token === "map" && insideMessage && tokens[i + 1] === "<") {
      let j = i + 2;
      while (j < tokens.length && tokens[j] !== ">") j++;
      const field = tokens[j + 1];
      if (isIdentifier(field)) record(parent, `${camelCase(field)}Entry`);
      i = j + 1;
    } else if (token === "{") {
      scopes.push(pendingMessage);
      pendingMessage = undefined;
    } else if (token === "}") {
      scopes.pop();
    }
  }
  return layout;
}

function isIdentifier(token: string | undefined): token is string {
  return token !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(token);
}

// protoc names a map's entry message after the field: `my_labels` -> `MyLabelsEntry`.
function camelCase(field: string): string {
  let result = "";
  let upper = true;
  for (const char of field) {
    if (char === "_") {
      upper = true;
      continue;
    }
    result += upper ? char.toUpperCase() : char;
    upper = false;
  }
  return result;
}

function stripCommentsAndStrings(source: string): string {
  return source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (match) =>
    match.startsWith("/") ? " " : '""',
  );
}
