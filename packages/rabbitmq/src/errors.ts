import { type ErrorCode, type ErrorKind, OutboundError } from "@outbound/core";

const TRANSPORT = "rabbitmq";

/** AMQP reply codes RabbitMQ uses in connection.close / channel.close. */
const REPLY = {
  NO_ROUTE: 312,
  CONNECTION_FORCED: 320,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  NOT_ALLOWED: 530,
} as const;

/** Node's codes for a server certificate that failed verification. */
const TLS_VERIFY_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/;

function replyCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function make(
  code: ErrorCode,
  text: string,
  cause: unknown,
  kind?: ErrorKind,
  brokerCode?: number,
): OutboundError {
  return new OutboundError(code, text, {
    transport: TRANSPORT,
    cause,
    ...(kind ? { kind } : {}),
    ...(brokerCode !== undefined ? { brokerCode: String(brokerCode) } : {}),
  });
}

/**
 * Classifies a failure to open a connection. Wrong credentials and an untrusted server
 * certificate are terminal (`AUTH_FAILED`), a vhost the user may not open is `NOT_AUTHORIZED`,
 * anything else (refused, reset, timeout) is a retriable `BROKER_UNAVAILABLE`.
 */
export function classifyConnectError(error: unknown, endpoint: string): OutboundError {
  const text = messageOf(error);
  const systemCode = (error as { code?: unknown } | null)?.code;
  if (typeof systemCode === "string" && TLS_VERIFY_CODES.test(systemCode)) {
    // Retrying cannot fix a certificate the client does not trust: fail now and say why.
    return make(
      "AUTH_FAILED",
      `the broker's TLS certificate was not accepted at ${endpoint}: ${text}`,
      error,
    );
  }
  // amqplib reports the server's refusal of the SASL handshake as "ACCESS-REFUSED" with no code.
  if (/ACCESS[-_]REFUSED/.test(text) && /login was refused|authentication/i.test(text)) {
    return make("AUTH_FAILED", `authentication failed at ${endpoint}: ${text}`, error);
  }
  // RabbitMQ answers connection.open with a close (530 NOT_ALLOWED) when the user has no access to
  // the vhost or the vhost does not exist; amqplib reports only the unexpected close frame.
  if (
    /Expected ConnectionOpenOk|NOT[-_]ALLOWED|access to vhost/i.test(text) ||
    replyCode(error) === REPLY.NOT_ALLOWED
  ) {
    return make(
      "NOT_AUTHORIZED",
      `the broker refused to open the virtual host at ${endpoint} (no permission for this user, or no such vhost): ${text}`,
      error,
    );
  }
  if (/ACCESS[-_]REFUSED/.test(text) || replyCode(error) === REPLY.ACCESS_REFUSED) {
    return make("AUTH_FAILED", `access refused at ${endpoint}: ${text}`, error);
  }
  return make("BROKER_UNAVAILABLE", `cannot connect to ${endpoint}: ${text}`, error);
}

/** The exchange a channel error names, e.g. `no exchange 'orders' in vhost '/'`. */
function exchangeNamed(text: string): string | undefined {
  const match = /exchange '([^']*)'/.exec(text);
  if (!match) return undefined;
  return match[1] === "amq.default" ? "" : match[1];
}

/**
 * What a publish that was still waiting for its confirm becomes when its channel closed with
 * `error` (undefined: closed without a server error, e.g. the connection dropped).
 *
 * The broker drops everything after the offending command, so a publish to the exchange the error
 * names fails for that reason (404 -> `UNKNOWN_DESTINATION`, 403 -> `NOT_AUTHORIZED`, 406 with a
 * size complaint -> `MESSAGE_TOO_LARGE`); every other pending publish may or may not have been
 * routed, so it is `BROKER_UNAVAILABLE` with kind `unknown-outcome` and the engine republishes it.
 */
export function classifyChannelLoss(
  error: unknown,
  publish: { exchange: string; bytes: number },
): OutboundError {
  if (error === undefined) {
    return make(
      "BROKER_UNAVAILABLE",
      "the channel closed before the broker confirmed the message",
      undefined,
      "unknown-outcome",
    );
  }
  const text = messageOf(error);
  const code = replyCode(error);
  const named = exchangeNamed(text);
  const aboutThis = named === undefined || named === publish.exchange;
  if (code === REPLY.NOT_FOUND && aboutThis) {
    return make("UNKNOWN_DESTINATION", text, error, undefined, code);
  }
  if (code === REPLY.ACCESS_REFUSED && aboutThis) {
    return make("NOT_AUTHORIZED", text, error, undefined, code);
  }
  const maxSize = /larger than configured max size (\d+)/.exec(text);
  if (maxSize && publish.bytes > Number(maxSize[1])) {
    // The broker names no exchange here, so the oversize publish is told apart by its size.
    return make("MESSAGE_TOO_LARGE", text, error, undefined, code);
  }
  return make("BROKER_UNAVAILABLE", `the channel closed: ${text}`, error, "unknown-outcome", code);
}

/** A `basic.return`: the broker accepted the publish but no queue took it. */
export function returnedError(replyCode: number, replyText: string, exchange: string, routingKey: string) {
  const where =
    exchange === "" ? `queue "${routingKey}"` : `exchange "${exchange}" with routing key "${routingKey}"`;
  return new OutboundError("UNKNOWN_DESTINATION", `unroutable: ${where} routes to no queue (${replyText})`, {
    transport: TRANSPORT,
    brokerCode: String(replyCode),
  });
}

/** A `basic.nack`: the broker could not take the message (e.g. a queue with `overflow: reject-publish`). */
export function nackedError(): OutboundError {
  return new OutboundError("REJECTED", "the broker nacked the message", {
    transport: TRANSPORT,
    kind: "retriable",
  });
}

/** Whether a connection-level close reason is a forced close worth only a reconnect. */
export function isForcedClose(error: unknown): boolean {
  return replyCode(error) === REPLY.CONNECTION_FORCED;
}

export { REPLY };
