import type { OutboxRow } from "../message/outbox-message.js";

/**
 * Splits a batch into chains that must be sent one after another: the rows of one topic and key,
 * in `seq` order. A row without a key is a chain of its own, like a keyless `send()`, which
 * promises no order.
 */
export function keyChains(rows: readonly OutboxRow[]): OutboxRow[][] {
  const chains = new Map<string, OutboxRow[]>();
  const loose: OutboxRow[][] = [];
  for (const row of rows) {
    if (row.key === undefined) {
      loose.push([row]);
      continue;
    }
    const name = `${row.topic}\u0000${Buffer.from(row.key).toString("base64")}`;
    const chain = chains.get(name);
    if (chain) chain.push(row);
    else chains.set(name, [row]);
  }
  for (const chain of chains.values()) chain.sort((a, b) => a.seq - b.seq);
  return [...chains.values(), ...loose];
}
