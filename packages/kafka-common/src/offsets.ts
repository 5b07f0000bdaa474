/**
 * Offsets `base + index` as strings: Kafka assigns consecutive offsets inside a record batch.
 * Plain numbers while the last one stays below 2^53 (every real partition), BigInt beyond, so an
 * offset is never rounded.
 */
export function offsetCounter(
  base: string | bigint | undefined,
  count: number,
): (index: number) => string | undefined {
  if (base === undefined) return () => undefined;
  const text = String(base);
  const first = Number(text);
  if (Number.isSafeInteger(first) && Number.isSafeInteger(first + count) && String(first) === text) {
    return (index) => String(first + index);
  }
  const big = BigInt(text);
  return (index) => String(big + BigInt(index));
}
