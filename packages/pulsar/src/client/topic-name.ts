/**
 * Expands a topic to Pulsar's full form: a short `name` becomes
 * `persistent://public/default/name` and `tenant/namespace/name` becomes
 * `persistent://tenant/namespace/name`, as the Java client does.
 * Returns `undefined` for names Pulsar cannot take.
 */
export function fullTopicName(topic: string): string | undefined {
  const trimmed = topic.trim();
  if (trimmed === "" || trimmed !== topic) return undefined;
  const schemeMatch = /^(persistent|non-persistent):\/\/(.+)$/.exec(topic);
  const rest = schemeMatch ? (schemeMatch[2] as string) : topic;
  const parts = rest.split("/");
  if (parts.some((part) => part === "")) return undefined;
  if (schemeMatch) return parts.length >= 3 ? topic : undefined;
  if (parts.length === 1) return `persistent://public/default/${topic}`;
  if (parts.length === 3) return `persistent://${topic}`;
  return undefined;
}

/** The internal topic that holds partition `n` of a partitioned topic. */
export function partitionTopicName(fullTopic: string, partition: number): string {
  return `${fullTopic}-partition-${partition}`;
}
