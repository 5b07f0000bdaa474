import { connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions as TlsOptions, connect as tlsConnect } from "node:tls";
import type { Logger, OutboundError } from "@outbound/core";
import { pulsarError, serverError } from "../errors.js";
import {
  CommandType,
  encodeCommand,
  type Frame,
  FrameDecoder,
  FrameError,
  longToNumber,
} from "../protocol/index.js";
import type { BrokerAddress } from "./service-url.js";

/** Protocol version we announce: v19 covers producer access modes and `producer_ready`. */
const PROTOCOL_VERSION = 19;
/** What the broker allows when CONNECTED does not say (Pulsar's default `maxMessageSize`). */
export const DEFAULT_MAX_MESSAGE_SIZE = 5 * 1024 * 1024;

/** Supplies the token for `auth_method_name: "token"`; called on every (re)connect and challenge. */
export type TokenSupplier = () => string | Promise<string>;

export interface ConnectionSettings {
  /** Where the socket goes: the service URL when proxying, else the broker itself. */
  physical: BrokerAddress;
  /** The broker this connection ends at; differs from `physical` only behind a proxy. */
  logical: BrokerAddress;
  token: TokenSupplier | undefined;
  tls: TlsOptions | undefined;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  keepAliveIntervalMs: number;
  clientVersion: string;
  logger: Logger;
}

/** Receives the commands addressed to one producer on this connection. */
export interface ProducerListener {
  onReceipt(command: Frame["command"]): void;
  onSendError(command: Frame["command"]): void;
  /** The broker closed this producer (topic unloaded or moved); the producer must re-create itself. */
  onClosedByBroker(): void;
  /** The connection is gone; the producer must reconnect. */
  onConnectionLost(error: OutboundError): void;
}

interface PendingRequest {
  resolve(command: Frame["command"]): void;
  reject(error: OutboundError): void;
  timer: NodeJS.Timeout;
  /** Called for PRODUCER_SUCCESS with `producer_ready=false`: the answer is "later". */
  onNotReady?: () => void;
  description: string;
}

/**
 * One TCP (or TLS) connection to a broker, shared by every producer and lookup that targets it.
 * It handshakes, keeps itself alive with PING/PONG, matches responses to requests by
 * `request_id` and routes receipts to producers by `producer_id`.
 */
export class Connection {
  readonly settings: ConnectionSettings;
  /** Largest message (metadata + payload) the broker accepts, from CONNECTED. */
  maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  private socket: Socket | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly requests = new Map<number, PendingRequest>();
  private readonly producers = new Map<number, ProducerListener>();
  private nextRequestId = 1;
  private keepAlive: NodeJS.Timeout | undefined;
  private lastReceivedAt = Date.now();
  private handshake: { resolve(): void; reject(error: OutboundError): void } | undefined;
  private closedWith: OutboundError | undefined;
  private readonly closeListeners = new Set<(error: OutboundError) => void>();

  constructor(settings: ConnectionSettings) {
    this.settings = settings;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && this.closedWith === undefined;
  }

  /** Opens the socket and completes CONNECT/CONNECTED. Rejects with a classified `OutboundError`. */
  open(): Promise<void> {
    const { physical, tls, connectTimeoutMs } = this.settings;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          pulsarError(
            "BROKER_UNAVAILABLE",
            `no CONNECTED from ${physical.hostPort} within ${connectTimeoutMs} ms`,
          ),
        );
      }, connectTimeoutMs);
      this.handshake = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const socket = physical.tls
        ? tlsConnect({ host: physical.host, port: physical.port, servername: physical.host, ...tls })
        : netConnect({ host: physical.host, port: physical.port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.once(physical.tls ? "secureConnect" : "connect", () => {
        this.sendConnect().catch((error: unknown) => this.fail(asOutbound(error, "CONNECT")));
      });
      socket.on("data", (chunk: Buffer) => this.onData(chunk));
      socket.on("error", (error) => {
        this.fail(
          pulsarError("BROKER_UNAVAILABLE", `connection to ${physical.hostPort} failed: ${error.message}`, {
            cause: error,
          }),
        );
      });
      socket.on("close", () => {
        this.fail(pulsarError("BROKER_UNAVAILABLE", `connection to ${physical.hostPort} closed`));
      });
    });
  }

  private async sendConnect(): Promise<void> {
    const { token, logical, physical, clientVersion } = this.settings;
    const connect: Record<string, unknown> = {
      client_version: clientVersion,
      protocol_version: PROTOCOL_VERSION,
      feature_flags: { supports_auth_refresh: true, supports_partial_producer: true },
    };
    if (token) {
      connect.auth_method_name = "token";
      connect.auth_data = Buffer.from(await supplyToken(token));
    }
    if (logical.hostPort !== physical.hostPort) connect.proxy_to_broker_url = logical.hostPort;
    this.write(encodeCommand({ type: CommandType.CONNECT, connect }));
  }

  /** Called once with the error that closed the connection. */
  onClose(listener: (error: OutboundError) => void): void {
    if (this.closedWith) listener(this.closedWith);
    else this.closeListeners.add(listener);
  }

  registerProducer(producerId: number, listener: ProducerListener): void {
    this.producers.set(producerId, listener);
  }

  unregisterProducer(producerId: number): void {
    this.producers.delete(producerId);
  }

  /**
   * Sends a command that carries a `request_id` and resolves with the broker's answer. The
   * request id is filled in here; `field` names the sub-command that holds it.
   */
  request(
    type: number,
    field: string,
    body: Record<string, unknown>,
    description: string,
    options: { onNotReady?: () => void; timeoutMs?: number } = {},
  ): Promise<Frame["command"]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const requestId = this.nextRequestId++;
    const timeoutMs = options.timeoutMs ?? this.settings.operationTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        reject(
          pulsarError("TIMEOUT", `${description}: no answer within ${timeoutMs} ms`, { kind: "retriable" }),
        );
      }, timeoutMs);
      const pending: PendingRequest = { resolve, reject, timer, description };
      if (options.onNotReady) pending.onNotReady = options.onNotReady;
      this.requests.set(requestId, pending);
      try {
        this.write(encodeCommand({ type, [field]: { ...body, request_id: requestId } }));
      } catch (error) {
        clearTimeout(timer);
        this.requests.delete(requestId);
        reject(asOutbound(error, description));
      }
    });
  }

  /**
   * Writes bytes to the socket. Returns false when the socket buffer is full (the caller may
   * wait for `drain`); the bytes are queued by Node either way.
   */
  write(bytes: Buffer): boolean {
    if (!this.socket || this.closedWith) {
      throw this.closedWith ?? pulsarError("BROKER_UNAVAILABLE", "connection is not open");
    }
    return this.socket.write(bytes);
  }

  /** Closes the socket; pending requests fail with `CLOSED`. */
  close(): void {
    this.fail(pulsarError("CLOSED", `connection to ${this.settings.physical.hostPort} closed by the client`));
  }

  private onData(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      // A stream we cannot frame cannot be resynchronised: drop the connection, producers
      // reconnect and resend what is pending.
      this.fail(asOutbound(error, "reading from broker"));
      return;
    }
    for (const frame of frames) {
      try {
        this.dispatch(frame.command);
      } catch (error) {
        this.settings.logger.error({ err: error }, "[outbound] [pulsar] failed to handle a broker command");
      }
    }
  }

  private dispatch(command: Frame["command"]): void {
    switch (command.type) {
      case CommandType.CONNECTED:
        this.onConnected(command.connected);
        return;
      case CommandType.PING:
        this.write(encodeCommand({ type: CommandType.PONG, pong: {} }));
        return;
      case CommandType.PONG:
        return;
      case CommandType.AUTH_CHALLENGE:
        this.answerChallenge().catch((error: unknown) => this.fail(asOutbound(error, "AUTH_RESPONSE")));
        return;
      case CommandType.SEND_RECEIPT:
        this.producers.get(longToNumber(command.send_receipt.producer_id))?.onReceipt(command.send_receipt);
        return;
      case CommandType.SEND_ERROR:
        this.producers.get(longToNumber(command.send_error.producer_id))?.onSendError(command.send_error);
        return;
      case CommandType.CLOSE_PRODUCER: {
        const producerId = longToNumber(command.close_producer.producer_id);
        const listener = this.producers.get(producerId);
        this.producers.delete(producerId);
        listener?.onClosedByBroker();
        return;
      }
      case CommandType.ERROR: {
        const { request_id, error, message } = command.error;
        // The request's description names what failed, e.g. `PRODUCER persistent://t/ns/topic`.
        const context = this.requests.get(longToNumber(request_id))?.description ?? "broker error";
        const failure = serverError(error, message, context);
        if (this.handshake) {
          this.fail(failure);
          return;
        }
        this.settle(longToNumber(request_id), undefined, failure);
        return;
      }
      case CommandType.PRODUCER_SUCCESS: {
        const success = command.producer_success;
        const requestId = longToNumber(success.request_id);
        if (success.producer_ready === false) {
          // The broker queued us behind an exclusive producer; the real answer comes later
          // with the same request id, so the request stays pending with its timer cleared.
          const pending = this.requests.get(requestId);
          if (pending) {
            clearTimeout(pending.timer);
            pending.onNotReady?.();
          }
          return;
        }
        this.settle(requestId, command);
        return;
      }
      case CommandType.SUCCESS:
        this.settle(longToNumber(command.success.request_id), command);
        return;
      case CommandType.PARTITIONED_METADATA_RESPONSE:
        this.settle(longToNumber(command.partitionMetadataResponse.request_id), command);
        return;
      case CommandType.LOOKUP_RESPONSE:
        this.settle(longToNumber(command.lookupTopicResponse.request_id), command);
        return;
      default:
        this.settings.logger.debug({ type: command.type }, "[outbound] [pulsar] ignored a broker command");
    }
  }

  private onConnected(connected: Frame["command"]): void {
    if (typeof connected?.max_message_size === "number" && connected.max_message_size > 0) {
      this.maxMessageSize = connected.max_message_size;
    }
    this.startKeepAlive();
    const handshake = this.handshake;
    this.handshake = undefined;
    handshake?.resolve();
  }

  private async answerChallenge(): Promise<void> {
    const { token, clientVersion } = this.settings;
    if (!token) throw pulsarError("AUTH_FAILED", "broker asked for credentials and no token is configured");
    this.write(
      encodeCommand({
        type: CommandType.AUTH_RESPONSE,
        authResponse: {
          client_version: clientVersion,
          protocol_version: PROTOCOL_VERSION,
          response: { auth_method_name: "token", auth_data: Buffer.from(await supplyToken(token)) },
        },
      }),
    );
  }

  private settle(requestId: number, command: Frame["command"] | undefined, error?: OutboundError): void {
    const pending = this.requests.get(requestId);
    if (!pending) return;
    this.requests.delete(requestId);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else if (command) pending.resolve(command);
  }

  /** Sends PING every interval and drops a connection that stayed silent for two intervals. */
  private startKeepAlive(): void {
    const interval = this.settings.keepAliveIntervalMs;
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastReceivedAt > 2 * interval) {
        this.fail(
          pulsarError(
            "BROKER_UNAVAILABLE",
            `${this.settings.physical.hostPort} did not answer PING for ${2 * interval} ms`,
          ),
        );
        return;
      }
      try {
        this.write(encodeCommand({ type: CommandType.PING, ping: {} }));
      } catch {
        // fail() has already run or will run from the socket's close event.
      }
    }, interval);
    this.keepAlive.unref();
  }

  private fail(error: OutboundError): void {
    if (this.closedWith) return;
    this.closedWith = error;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.socket?.destroy();
    this.handshake?.reject(error);
    this.handshake = undefined;
    for (const [id, pending] of this.requests) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.requests.delete(id);
    }
    const producers = [...this.producers.values()];
    this.producers.clear();
    for (const producer of producers) producer.onConnectionLost(error);
    for (const listener of this.closeListeners) listener(error);
    this.closeListeners.clear();
  }
}

/** Calls the user's token supplier; its failure is an authentication failure, never a crash. */
async function supplyToken(token: TokenSupplier): Promise<string> {
  let value: unknown;
  try {
    value = await token();
  } catch (error) {
    throw pulsarError(
      "AUTH_FAILED",
      `the token supplier failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (typeof value !== "string" || value === "") {
    throw pulsarError("AUTH_FAILED", "the token supplier returned no token (expected a non-empty string)");
  }
  return value;
}

function asOutbound(error: unknown, context: string): OutboundError {
  if (error instanceof FrameError) {
    return pulsarError("PROTOCOL_ERROR", `${context}: ${error.message}`, { cause: error, kind: "retriable" });
  }
  if (error instanceof Error && error.name === "OutboundError") return error as OutboundError;
  return pulsarError("INTERNAL", `${context}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
