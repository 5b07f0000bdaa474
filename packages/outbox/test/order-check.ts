/** A message as read back from a broker, reduced to what the outbox guarantees are about. */
export interface ReadBack {
  key: string | undefined;
  id: string | undefined;
}

export interface DeliveryCounts {
  /** Distinct ids read back. */
  distinct: number;
  /** Extra copies beyond the first of each id. */
  repeats: number;
  /** Ids added and committed that were never read back. */
  lost: number;
  /** Keys whose first copies arrived in another order than their rows were added. */
  keysOutOfOrder: number;
}

/**
 * Compares what a broker holds with what was committed to the outbox: every committed id must
 * arrive (at least once), and per key the first copies must arrive in the order of `add()`.
 */
export function countDeliveries(
  committed: readonly { key: string | undefined; id: string }[],
  received: readonly ReadBack[],
): DeliveryCounts {
  const seen = new Map<string, number>();
  const firstOrder = new Map<string, string[]>();
  for (const message of received) {
    if (message.id === undefined) continue;
    const copies = seen.get(message.id) ?? 0;
    seen.set(message.id, copies + 1);
    if (copies === 0 && message.key !== undefined) {
      const list = firstOrder.get(message.key) ?? [];
      list.push(message.id);
      firstOrder.set(message.key, list);
    }
  }
  const expectedOrder = new Map<string, string[]>();
  for (const row of committed) {
    if (row.key === undefined) continue;
    const list = expectedOrder.get(row.key) ?? [];
    list.push(row.id);
    expectedOrder.set(row.key, list);
  }
  let keysOutOfOrder = 0;
  for (const [key, expected] of expectedOrder) {
    const got = (firstOrder.get(key) ?? []).filter((id) => expected.includes(id));
    const want = expected.filter((id) => seen.has(id));
    if (got.join(",") !== want.join(",")) keysOutOfOrder++;
  }
  let repeats = 0;
  for (const copies of seen.values()) repeats += copies - 1;
  return {
    distinct: seen.size,
    repeats,
    lost: committed.filter((row) => !seen.has(row.id)).length,
    keysOutOfOrder,
  };
}
