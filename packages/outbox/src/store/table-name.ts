import { OutboundError } from "@outbound/core";

/** The table names go into SQL text, so only plain identifiers are accepted. */
export function checkTableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,50}$/.test(name)) {
    throw new OutboundError(
      "INVALID_CONFIG",
      `table must be a plain SQL identifier, got ${JSON.stringify(name)}`,
      {
        transport: "outbox",
        details: { field: "table" },
      },
    );
  }
  return name;
}
