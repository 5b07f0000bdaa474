import { type BackpressureState, type Logger, OutboundError } from "@outbound/core";
import { type Channel, type ChannelModel, connect, type Options } from "amqplib";
import { describeEndpoint, type ResolvedRabbitMqConfig } from "./config.js";
import { classifyConnectError } from "./errors.js";
import { PublisherChannel } from "./publisher-channel.js";

/**
 * Owns the AMQP connection and the confirm channel publishes go through, and re-creates either
 * when it is lost. Reconnects are lazy (the next publish asks for a channel) and spaced by an
 * exponential backoff with jitter, so a dead broker costs one attempt per backoff step, not one per
 * message; the engine's delivery timeout bounds how long a message keeps asking.
 */
export class ConnectionManager {
  private model: ChannelModel | undefined;
  private opening: Promise<ChannelModel> | undefined;
  private publisherChannel: PublisherChannel | undefined;
  private creatingChannel: Promise<PublisherChannel> | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private blocked = false;
  private shuttingDown = false;
  private readonly backpressureListeners: Array<(state: BackpressureState) => void> = [];
  private readonly connectionLostListeners: Array<() => void> = [];

  constructor(
    private readonly config: ResolvedRabbitMqConfig,
    private readonly clientId: string,
    private readonly logger: Logger,
  ) {}

  get endpoint(): string {
    return describeEndpoint(this.config);
  }

  /** True while the broker has blocked the connection (a resource alarm). */
  get isBlocked(): boolean {
    return this.blocked;
  }

  onBackpressure(listener: (state: BackpressureState) => void): void {
    this.backpressureListeners.push(listener);
  }

  /** Runs after every connection loss, e.g. to forget declared topology. */
  onConnectionLost(listener: () => void): void {
    this.connectionLostListeners.push(listener);
  }

  /** The open connection, opening it if needed (after the backoff delay when the last try failed). */
  async connection(signal?: AbortSignal): Promise<ChannelModel> {
    if (this.shuttingDown) throw closedError();
    if (this.model) return this.model;
    this.opening ??= this.open(signal).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** The confirm channel if it is open now, so a publish that finds it ready need not await. */
  get openPublisher(): PublisherChannel | undefined {
    const current = this.publisherChannel;
    return current && !current.closed && !this.shuttingDown ? current : undefined;
  }

  /** The confirm channel to publish on, re-created after a channel or connection loss. */
  async publisher(signal?: AbortSignal): Promise<PublisherChannel> {
    const current = this.publisherChannel;
    if (current && !current.closed) return current;
    this.creatingChannel ??= this.createPublisher(signal).finally(() => {
      this.creatingChannel = undefined;
    });
    return this.creatingChannel;
  }

  /**
   * Runs `work` on a short-lived plain channel, so that a failing declaration (which closes its
   * channel) never takes the publishing channel with it.
   */
  async withChannel<T>(work: (channel: Channel) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const model = await this.connection(signal);
    const channel = await model.createChannel();
    // A server-side close also emits 'error'; without a listener it would be thrown.
    channel.on("error", () => {});
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  /** Waits until the broker lifts its block, or `signal` aborts. */
  async unblocked(signal: AbortSignal): Promise<void> {
    if (!this.blocked || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const listener = (state: BackpressureState) => {
        if (!state.paused) finish();
      };
      const finish = () => {
        const index = this.backpressureListeners.indexOf(listener);
        if (index >= 0) this.backpressureListeners.splice(index, 1);
        signal.removeEventListener("abort", finish);
        resolve();
      };
      this.backpressureListeners.push(listener);
      signal.addEventListener("abort", finish, { once: true });
    });
  }

  /**
   * Closes the channel and connection; pending publishes settle through the channel's close.
   * Bounded: a blocked broker reads nothing, so a polite channel close would wait for ever;
   * then the connection is closed directly, which amqplib does at once while blocked.
   */
  async close(): Promise<void> {
    this.shuttingDown = true;
    // A connect still in progress is not waited for: amqplib cannot abort it, and a broker that
    // accepts and never answers would hold close() for the whole connect timeout. open() sees
    // shuttingDown when it finishes and closes what it opened.
    const publisher = this.publisherChannel;
    if (!this.blocked) await withinMs(CLOSE_STEP_MS, publisher?.close());
    const model = this.model;
    if (model)
      await withinMs(
        CLOSE_STEP_MS,
        model.close().catch(() => {}),
      );
    // Whatever the broker never answered is settled now, not left to a close event that may not come.
    publisher?.abandon();
    if (model) this.onConnectionClose(model);
  }

  private async open(signal: AbortSignal | undefined): Promise<ChannelModel> {
    await this.backoff(signal);
    if (this.shuttingDown) throw closedError();
    let model: ChannelModel;
    try {
      model = await connect(this.connectOptions(), this.socketOptions());
    } catch (error) {
      this.failures += 1;
      const jitter = 0.8 + Math.random() * 0.4;
      const delay = Math.min(
        this.config.reconnectMaxMs,
        this.config.reconnectInitialMs * 2 ** (this.failures - 1),
      );
      this.nextAttemptAt = Date.now() + delay * jitter;
      const classified = classifyConnectError(error, this.endpoint);
      this.logger.warn(
        { endpoint: this.endpoint, code: classified.code, attempt: this.failures },
        "connect failed",
      );
      throw classified;
    }
    if (this.shuttingDown) {
      await model.close().catch(() => {});
      throw closedError();
    }
    if (this.failures > 0) this.logger.info({ endpoint: this.endpoint }, "reconnected");
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.model = model;
    // Without an 'error' listener a connection error would be thrown from the emitter.
    model.on("error", (error: Error) => {
      this.logger.warn({ endpoint: this.endpoint, error: error.message }, "connection error");
    });
    model.on("close", () => this.onConnectionClose(model));
    model.on("blocked", (reason: string) => this.setBlocked(true, reason));
    model.on("unblocked", () => this.setBlocked(false));
    return model;
  }

  private async createPublisher(signal: AbortSignal | undefined): Promise<PublisherChannel> {
    const model = await this.connection(signal);
    let channel: Awaited<ReturnType<ChannelModel["createConfirmChannel"]>>;
    try {
      channel = await model.createConfirmChannel();
    } catch (error) {
      throw new OutboundError(
        "BROKER_UNAVAILABLE",
        `cannot open a confirm channel: ${(error as Error).message}`,
        {
          transport: "rabbitmq",
          cause: error,
        },
      );
    }
    const publisher = new PublisherChannel(channel);
    publisher.onClosed(() => {
      if (this.publisherChannel === publisher) this.publisherChannel = undefined;
      if (publisher.error) {
        this.logger.warn(
          { error: (publisher.error as Error).message },
          "publisher channel closed by the broker",
        );
      }
    });
    this.publisherChannel = publisher;
    return publisher;
  }

  private onConnectionClose(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = undefined;
    // The channel's own 'close' settles its pending publishes; this only drops the reference.
    this.publisherChannel = undefined;
    // A new connection starts unblocked; the broker blocks it again if the alarm is still on.
    if (this.blocked) this.setBlocked(false);
    if (!this.shuttingDown) this.logger.warn({ endpoint: this.endpoint }, "connection lost; will reconnect");
    for (const listener of this.connectionLostListeners) listener();
  }

  private setBlocked(blocked: boolean, reason?: string): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    const state: BackpressureState = blocked
      ? { paused: true, reason: `broker blocked the connection: ${reason ?? "alarm"}` }
      : { paused: false };
    this.logger.warn(
      { endpoint: this.endpoint, ...state },
      blocked ? "connection blocked" : "connection unblocked",
    );
    for (const listener of [...this.backpressureListeners]) listener(state);
  }

  private async backoff(signal: AbortSignal | undefined): Promise<void> {
    const wait = this.nextAttemptAt - Date.now();
    if (wait <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, wait);
      function done() {
        signal?.removeEventListener("abort", aborted);
        resolve();
      }
      function aborted() {
        clearTimeout(timer);
        reject(
          new OutboundError("BROKER_UNAVAILABLE", "gave up while waiting to reconnect", {
            transport: "rabbitmq",
          }),
        );
      }
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  private connectOptions(): Options.Connect {
    const c = this.config;
    const options: Options.Connect = {
      protocol: c.protocol,
      hostname: c.hostname,
      port: c.port,
      username: c.username,
      password: c.password,
      // amqplib percent-decodes the vhost it is given (it expects the URI form).
      vhost: encodeURIComponent(c.vhost),
    };
    if (c.heartbeat !== undefined) options.heartbeat = c.heartbeat;
    return options;
  }

  private socketOptions(): Record<string, unknown> {
    return {
      ...(this.config.tls ?? {}),
      timeout: this.config.connectionTimeoutMs,
      clientProperties: { connection_name: this.clientId, product: "outbound" },
    };
  }
}

/** How long each step of `close()` may take before the next one runs anyway. */
const CLOSE_STEP_MS = 1000;

async function withinMs(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function closedError(): OutboundError {
  return new OutboundError("CLOSED", "the transport is closed", { transport: "rabbitmq" });
}
