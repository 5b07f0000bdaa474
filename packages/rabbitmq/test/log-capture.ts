import type { Logger } from "@outbound/core";

/** A logger that keeps what the transport says, so a test can prove a reconnect happened. */
export function captureLogs(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (obj: unknown, msg?: string) => {
    messages.push(msg ?? String(obj));
  };
  return { messages, debug: keep, info: keep, warn: keep, error: keep };
}
