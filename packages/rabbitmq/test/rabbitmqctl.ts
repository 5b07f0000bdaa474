import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";

const run = promisify(execFile);

/**
 * Runs `rabbitmqctl` against the local node (tools/brokers writes its node name where rabbitmqctl
 * reads it). Fault tests need it: closing connections, alarms, users and vhosts.
 */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run("rabbitmqctl", ["--quiet", ...args], { timeout: 60_000 });
  return stdout;
}

/** The broker's URL from tools/brokers/endpoints, pointed at `vhost`. */
export function amqpUrl(vhost: string, credentials?: { username: string; password: string }): string {
  const url = new URL(endpoints().amqp);
  if (credentials) {
    url.username = encodeURIComponent(credentials.username);
    url.password = encodeURIComponent(credentials.password);
  }
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}

/**
 * A fresh vhost for one test file, with full permissions for the endpoint's user. Test files run
 * in parallel against one broker; a vhost each keeps their queues apart and lets a file close
 * "all connections" of its own vhost without cutting another file's producers.
 */
export async function createTestVhost(
  label: string,
): Promise<{ vhost: string; url: string; remove(): Promise<void> }> {
  const vhost = `outbound-${label}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const user = decodeURIComponent(new URL(endpoints().amqp).username || "guest");
  await rabbitmqctl("add_vhost", vhost);
  await rabbitmqctl("set_permissions", "--vhost", vhost, user, ".*", ".*", ".*");
  return {
    vhost,
    url: amqpUrl(vhost),
    async remove() {
      await rabbitmqctl("delete_vhost", vhost).catch(() => undefined);
    },
  };
}
