import { endpoints } from "../../../tools/brokers/endpoints.mjs";

/**
 * Pulsar's admin REST API, used by the tests to set topics and namespaces up without going
 * through the transport under test.
 */
export function pulsarAdmin(httpUrl: string = endpoints().pulsarHttp, token?: string) {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${httpUrl}/admin/v2/${path}`, {
      method,
      headers: { "content-type": "application/json", ...auth },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok && response.status !== 409) {
      throw new Error(`${method} /admin/v2/${path} answered ${response.status}: ${await response.text()}`);
    }
    return response;
  }

  return {
    /** Creates a topic in `tenant/namespace`: partitioned when `partitions > 0`. */
    async createTopic(namespace: string, name: string, partitions: number): Promise<void> {
      if (partitions > 0) await call("PUT", `persistent/${namespace}/${name}/partitions`, partitions);
      else await call("PUT", `persistent/${namespace}/${name}`);
    },
    /** Partition count the broker holds for a topic: 0 when it is not partitioned. */
    async partitions(namespace: string, name: string): Promise<number> {
      const response = await call("GET", `persistent/${namespace}/${name}/partitions`);
      return ((await response.json()) as { partitions: number }).partitions;
    },
    /** Creates a namespace (409, already there, is fine). */
    async createNamespace(namespace: string): Promise<void> {
      await call("PUT", `namespaces/${namespace}`);
    },
    /** Unloads a topic (every partition of a partitioned one): its producers get CLOSE_PRODUCER. */
    async unloadTopic(namespace: string, name: string): Promise<void> {
      await call("PUT", `persistent/${namespace}/${name}/unload`);
    },
    /** Turns broker-side message deduplication on for every topic of a namespace. */
    async enableDeduplication(namespace: string): Promise<void> {
      await call("POST", `namespaces/${namespace}/deduplication`, true);
    },
    async deduplicationEnabled(namespace: string): Promise<boolean> {
      const response = await call("GET", `namespaces/${namespace}/deduplication`);
      return (await response.json()) as boolean;
    },
  };
}
