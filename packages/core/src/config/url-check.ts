import { redactUrl } from "./redact.js";

/**
 * What is wrong with the hosts and ports of a `scheme://` URL, if anything, found when the
 * producer is created rather than at the first send: `kafka://127.0.0.1:0` would otherwise be
 * retried until the connect deadline. Only the part every transport's URL shares is checked
 * here (one or more comma-separated `host[:port]` after optional credentials); what a scheme's
 * query parameters mean is the transport's to check when it is created.
 */
export function urlAddressProblem(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  let authority = match[1]!;
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);
  // `memory://` and `sqs://?region=...` name no host: the transport's default applies.
  if (authority === "") return undefined;
  for (const address of authority.split(",")) {
    const parts = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(address);
    const host = parts?.[1] ?? "";
    const port = parts?.[2];
    if (host === "" || host === "[]") {
      return `"${redactUrl(url)}" has an empty host in "${address}"`;
    }
    if (port !== undefined) {
      const n = /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
      if (!(n >= 1 && n <= 65535)) {
        return `"${redactUrl(url)}" has port "${port}" for ${host}; a port is a number from 1 to 65535`;
      }
    }
  }
  return undefined;
}
