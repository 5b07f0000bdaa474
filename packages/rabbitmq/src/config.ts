import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import { optionChecks, redactUrl, type TransportContext } from "@outbound/core/transport";

/**
 * How `topic` names a RabbitMQ destination.
 * - `exchange`: `topic` is an exchange; the message key (UTF-8) is the routing key.
 * - `queue`: `topic` is a queue, reached through the default exchange (routing key = queue name).
 */
export type DestinationMode = "exchange" | "queue";

export type ExchangeType = "direct" | "fanout" | "topic" | "headers";

/** Topology the transport declares before it first publishes to a destination. */
export interface DeclareOptions {
  /** Type of the exchange declared in `exchange` mode. Default `direct`. */
  exchangeType?: ExchangeType;
  /** Whether declared exchanges and queues survive a broker restart. Default true. */
  durable?: boolean;
  /**
   * Declare the queue(s) too: `<topic>` or `<topic>-<p>`. In `exchange` mode each queue is bound
   * to the exchange (partition queues with routing key `<topic>-<p>`, an unpartitioned queue with
   * `#` on topic exchanges and `""` otherwise). Default true in `queue` mode, false in `exchange` mode.
   */
  queues?: boolean;
  /** Declare queues as quorum queues (`x-queue-type: quorum`, always durable). Default false. */
  quorum?: boolean;
}

/** Options for the RabbitMQ transport, given as `rabbitmq: {...}` to `createProducer`. */
export interface RabbitMqOptions {
  /** `amqp://user:pass@host:5672/vhost` or `amqps://...`. Overrides the connection fields below. */
  url?: string;
  hostname?: string;
  port?: number;
  username?: string;
  password?: string;
  /** Virtual host. Default `/`. */
  vhost?: string;
  /** TLS: `true` for defaults, or Node's TLS options (ca, cert, key, servername...). Implied by `amqps://`. */
  tls?: boolean | TlsConnectionOptions;
  /** Heartbeat in seconds; 0 disables it. Default: the broker's suggestion. */
  heartbeat?: number;
  /** How `topic` maps to RabbitMQ. Default `exchange`, see the docs for why. */
  destination?: DestinationMode;
  /**
   * Partition count per topic, for partitioned destinations `<topic>-<p>`. Topics not listed are
   * discovered (see `discoverPartitions`) or have 1.
   */
  partitions?: Record<string, number>;
  /**
   * For topics not in `partitions`: count the queues `<topic>-0`, `<topic>-1`, ... that exist
   * (passive declares), so a destination laid out as partition queues is found without config.
   * Fewer than 2 means unpartitioned. Default true.
   */
  discoverPartitions?: boolean;
  /** Declare topology before the first publish; omitted or `false` declares nothing. */
  declare?: DeclareOptions | boolean;
  /** Most publishes awaiting a broker confirm at once, per connection. Default 500 (measured). */
  confirmWindow?: number;
  /** Delivery mode 2 (persistent) unless set false. Default true. */
  persistent?: boolean;
  /** The broker's `max_message_size`; RabbitMQ 4 defaults to 16 MiB. Default 16 MiB. */
  maxMessageBytes?: number;
  /** First reconnect delay in ms, doubled per failed attempt up to `reconnectMaxMs`. Default 100. */
  reconnectInitialMs?: number;
  /** Default 5000. */
  reconnectMaxMs?: number;
  /** TCP connect timeout in ms. Default 10000. */
  connectionTimeoutMs?: number;
  /** @deprecated The former name of `connectionTimeoutMs`, the name every transport uses; still read. */
  connectTimeoutMs?: number;
}

/** Options after defaults and validation: what the transport runs on. */
export interface ResolvedRabbitMqConfig {
  protocol: "amqp" | "amqps";
  hostname: string;
  port: number;
  username: string;
  password: string;
  vhost: string;
  tls: TlsConnectionOptions | undefined;
  heartbeat: number | undefined;
  destination: DestinationMode;
  partitions: Record<string, number>;
  discoverPartitions: boolean;
  declare: Required<DeclareOptions> | undefined;
  confirmWindow: number;
  persistent: boolean;
  maxMessageBytes: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  connectionTimeoutMs: number;
}

/**
 * The default confirm window, picked from measurements against RabbitMQ 3.10 on the project's
 * 2-core machine (see docs/transports/rabbitmq.md): throughput flattens from about 200 on; 500
 * keeps a margin while bounding the unconfirmed data a connection holds and republishes.
 */
export const DEFAULT_CONFIRM_WINDOW = 500;

const DEFAULTS = {
  hostname: "127.0.0.1",
  username: "guest",
  password: "guest",
  vhost: "/",
  destination: "exchange" as DestinationMode,
  maxMessageBytes: 16 * 1024 * 1024,
  reconnectInitialMs: 100,
  reconnectMaxMs: 5000,
  connectionTimeoutMs: 10_000,
};

const check = optionChecks("rabbitmq");
const invalid = check.invalid;

/** Every key of `RabbitMqOptions`: any other is refused, with the closest of these suggested. */
const OPTION_NAMES = [
  "url",
  "hostname",
  "port",
  "username",
  "password",
  "vhost",
  "tls",
  "heartbeat",
  "destination",
  "partitions",
  "discoverPartitions",
  "declare",
  "confirmWindow",
  "persistent",
  "maxMessageBytes",
  "reconnectInitialMs",
  "reconnectMaxMs",
  "connectionTimeoutMs",
] as const satisfies readonly (keyof RabbitMqOptions)[];

const DECLARE_OPTION_NAMES = [
  "exchangeType",
  "durable",
  "queues",
  "quorum",
] as const satisfies readonly (keyof DeclareOptions)[];

const EXCHANGE_TYPES: readonly ExchangeType[] = ["direct", "fanout", "topic", "headers"];

/** Splits an AMQP URI (RabbitMQ's URI spec: the vhost is the percent-decoded path, `/` when empty). */
function parseUrl(url: string): Partial<ResolvedRabbitMqConfig> & { protocol: "amqp" | "amqps" } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`"url" is not a valid URL: ${redactUrl(url)}`);
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (scheme !== "amqp" && scheme !== "amqps") {
    throw invalid(`"url" must start with amqp:// or amqps://, got ${scheme}://`);
  }
  const out: Partial<ResolvedRabbitMqConfig> & { protocol: "amqp" | "amqps" } = { protocol: scheme };
  if (parsed.hostname) out.hostname = parsed.hostname.replace(/^\[|\]$/g, "");
  if (parsed.port) out.port = Number(parsed.port);
  if (parsed.username) out.username = decodeURIComponent(parsed.username);
  if (parsed.password) out.password = decodeURIComponent(parsed.password);
  // "amqp://host" and "amqp://host/" both mean the default vhost; "amqp://host/%2F" names "/" explicitly.
  if (parsed.pathname.length > 1) out.vhost = decodeURIComponent(parsed.pathname.slice(1));
  const heartbeat = parsed.searchParams.get("heartbeat");
  if (heartbeat !== null) out.heartbeat = Number(heartbeat);
  return out;
}

function resolveDeclare(
  declare: DeclareOptions | boolean | undefined,
  destination: DestinationMode,
): Required<DeclareOptions> | undefined {
  if (!declare) return undefined;
  const given = declare === true ? {} : check.section(declare, DECLARE_OPTION_NAMES, "rabbitmq.declare");
  const exchangeType = check.oneOf(given.exchangeType, "declare.exchangeType", EXCHANGE_TYPES) ?? "direct";
  const quorum = check.boolean(given.quorum, "declare.quorum") ?? false;
  const durable = check.boolean(given.durable, "declare.durable") ?? true;
  if (quorum && !durable) throw invalid(`quorum queues are always durable: drop "declare.durable: false"`);
  return {
    exchangeType,
    durable,
    quorum,
    queues: check.boolean(given.queues, "declare.queues") ?? destination === "queue",
  };
}

/**
 * Validates options and fills defaults. Throws `INVALID_CONFIG` naming the bad option. The
 * section's `url` wins over the producer's (`context.url`).
 */
export function resolveRabbitMqOptions(
  section: RabbitMqOptions = {},
  context: TransportContext = {},
): ResolvedRabbitMqConfig {
  const url = context.url;
  const options = check.section(
    check.renamed(section, { connectTimeoutMs: "connectionTimeoutMs" }),
    OPTION_NAMES,
  );
  const fromUrl = (options.url ?? url) !== undefined ? parseUrl((options.url ?? url) as string) : undefined;
  const protocol = fromUrl?.protocol ?? (options.tls ? "amqps" : "amqp");
  const destination =
    check.oneOf(options.destination, "destination", ["exchange", "queue"] as const) ?? DEFAULTS.destination;
  const partitions: Record<string, number> = {};
  for (const [topic, count] of Object.entries(options.partitions ?? {})) {
    partitions[topic] = check.positiveInteger(count, `partitions.${topic}`) ?? 1;
  }
  const heartbeat = check.integer(fromUrl?.heartbeat ?? options.heartbeat, "heartbeat", 0);
  const tls = options.tls === true ? {} : options.tls || undefined;
  const port = protocol === "amqps" ? 5671 : 5672;
  const ms = (name: "reconnectInitialMs" | "reconnectMaxMs" | "connectionTimeoutMs") =>
    check.positiveInteger(options[name], name) ?? DEFAULTS[name];
  return {
    protocol,
    hostname: fromUrl?.hostname ?? check.text(options.hostname, "hostname") ?? DEFAULTS.hostname,
    port: check.integer(fromUrl?.port ?? options.port, "port", 1, 65_535) ?? port,
    username: fromUrl?.username ?? options.username ?? DEFAULTS.username,
    password: fromUrl?.password ?? options.password ?? DEFAULTS.password,
    vhost: fromUrl?.vhost ?? options.vhost ?? DEFAULTS.vhost,
    tls: protocol === "amqps" ? (tls ?? {}) : undefined,
    heartbeat,
    destination,
    partitions,
    discoverPartitions: check.boolean(options.discoverPartitions, "discoverPartitions") ?? true,
    declare: resolveDeclare(options.declare, destination),
    confirmWindow: check.positiveInteger(options.confirmWindow, "confirmWindow") ?? DEFAULT_CONFIRM_WINDOW,
    persistent: check.boolean(options.persistent, "persistent") ?? true,
    maxMessageBytes:
      check.positiveInteger(options.maxMessageBytes, "maxMessageBytes") ?? DEFAULTS.maxMessageBytes,
    reconnectInitialMs: ms("reconnectInitialMs"),
    reconnectMaxMs: ms("reconnectMaxMs"),
    connectionTimeoutMs: ms("connectionTimeoutMs"),
  };
}

/** `amqp://user:***@host:port/vhost`: for logs and errors, never with the password. */
export function describeEndpoint(config: ResolvedRabbitMqConfig): string {
  const host = config.hostname.includes(":") ? `[${config.hostname}]` : config.hostname;
  const vhost = config.vhost === "/" ? "" : encodeURIComponent(config.vhost);
  return `${config.protocol}://${encodeURIComponent(config.username)}:***@${host}:${config.port}/${vhost}`;
}

/** `createProducer({ rabbitmq: {...} })` is type-checked against these options where this package's types are loaded. */
declare module "@outbound/core" {
  interface TransportOptionsMap {
    rabbitmq: RabbitMqOptions;
  }
}

/** @deprecated The former name of {@link resolveRabbitMqOptions}, taking the producer's URL alone. */
export function resolveConfig(section: RabbitMqOptions = {}, url?: string): ResolvedRabbitMqConfig {
  return resolveRabbitMqOptions(section, { url });
}
