import { inspect } from "node:util";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { OutboundError } from "@outbound/core";
import { optionChecks, type TransportContext } from "@outbound/core/transport";

/** SQS's documented ceiling since January 2026: 1 MiB per message and per batch request. */
export const ONE_MIB = 1024 * 1024;
/** The ceiling many accounts, emulators and older SDKs still apply. */
export const LEGACY_MESSAGE_BYTES = 256 * 1024;

/** The identity the AWS SDK signs requests with. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** An SDK-style credential provider, e.g. `fromIni()` from `@aws-sdk/credential-providers`. */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** Explicit credentials. Without them the AWS SDK's default provider chain is used. */
export interface SqsStaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of the SQS transport: the `sqs: {...}` section of the producer config. */
export interface SqsTransportOptions {
  /** AWS region. Defaults to the URL's, then `AWS_REGION`, then `us-east-1`. */
  region?: string;
  /** Endpoint for SQS-compatible servers (ElasticMQ, moto, LocalStack), e.g. `http://127.0.0.1:9324`. */
  endpoint?: string;
  /** Explicit credentials or an SDK credential provider; omitted means the SDK's default chain. */
  credentials?: SqsStaticCredentials | AwsCredentialIdentityProvider;
  /**
   * Largest message, counted as SQS counts it (body bytes after encoding plus every attribute's
   * name, data type and value). Default 1 MiB; set 256 KiB for queues or servers with the old limit.
   */
  maxMessageBytes?: number;
  /** Largest SendMessageBatch payload (the sum of its messages' sizes). Default 1 MiB. */
  maxBatchBytes?: number;
  /** Milliseconds one HTTP request may take before it counts as timed out. Default 30000. */
  requestTimeoutMs?: number;
  /** Milliseconds to open a connection. Default 5000. */
  connectionTimeoutMs?: number;
  /**
   * An SQSClient you built yourself (instrumentation, a custom HTTP agent). Its own region,
   * endpoint, credentials, timeouts and retries then apply, and `close()` leaves it open.
   * Keep its `maxAttempts` at 1 so the engine's retries are the only ones.
   */
  client?: SQSClient;
}

/** Options after defaults and the URL are applied. */
export interface ResolvedSqsConfig {
  region: string;
  endpoint: string | undefined;
  credentials: RedactedCredentials | AwsCredentialIdentityProvider | undefined;
  maxMessageBytes: number;
  maxBatchBytes: number;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  /** The application's own client, used as given and never destroyed by the transport. */
  client: SQSClient | undefined;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Static credentials that never print their secrets: `console.log`, `JSON.stringify` and
 * `util.inspect` of a config holding them show only the access key id's last four characters.
 */
export class RedactedCredentials {
  declare readonly accessKeyId: string;
  declare readonly secretAccessKey: string;
  declare readonly sessionToken: string | undefined;

  constructor(credentials: SqsStaticCredentials) {
    // Non-enumerable so spreading, iterating or serializing the object cannot copy a secret.
    Object.defineProperty(this, "accessKeyId", { value: credentials.accessKeyId, enumerable: false });
    Object.defineProperty(this, "secretAccessKey", { value: credentials.secretAccessKey, enumerable: false });
    Object.defineProperty(this, "sessionToken", { value: credentials.sessionToken, enumerable: false });
  }

  /** The plain identity the AWS SDK signs with; handed to it through a provider function only. */
  identity(): AwsCredentialIdentity {
    return this.sessionToken === undefined
      ? { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey }
      : {
          accessKeyId: this.accessKeyId,
          secretAccessKey: this.secretAccessKey,
          sessionToken: this.sessionToken,
        };
  }

  /** The secrets, for scrubbing them out of any text that leaves the transport. */
  secrets(): string[] {
    return [this.accessKeyId, this.secretAccessKey, this.sessionToken].filter(
      (s): s is string => typeof s === "string" && s.length >= 4,
    );
  }

  toJSON(): Record<string, string> {
    return { accessKeyId: `****${this.accessKeyId.slice(-4)}`, secretAccessKey: "****" };
  }

  [inspect.custom](): string {
    return `RedactedCredentials { accessKeyId: '****${this.accessKeyId.slice(-4)}', secretAccessKey: '****' }`;
  }
}

const check = optionChecks("sqs");
const invalid = check.invalid;

/** Every key of `SqsTransportOptions`: any other is refused, with the closest of these suggested. */
const OPTION_NAMES = [
  "region",
  "endpoint",
  "credentials",
  "maxMessageBytes",
  "maxBatchBytes",
  "requestTimeoutMs",
  "connectionTimeoutMs",
  "client",
] as const satisfies readonly (keyof SqsTransportOptions)[];

/**
 * Reads an `sqs://` URL.
 *
 * - `sqs://us-east-1`: AWS in that region, at the SDK's default endpoint.
 * - `sqs://127.0.0.1:9324?region=us-east-1`: an SQS-compatible server. Plain HTTP for loopback
 *   hosts, HTTPS otherwise; `?tls=true|false` overrides.
 * - `sqs://KEY:SECRET@host:port`: explicit credentials (URL-encoded). They are never printed.
 */
export function parseSqsUrl(url: string): SqsTransportOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may carry credentials, so it is not echoed.
    throw invalid("the sqs URL cannot be parsed; expected sqs://<region> or sqs://<host>:<port>");
  }
  if (parsed.protocol !== "sqs:") throw invalid(`expected an sqs:// URL, got ${parsed.protocol}//`);
  const options: SqsTransportOptions = {};
  const region = parsed.searchParams.get("region");
  const host = parsed.hostname;
  if (!host) throw invalid("the sqs URL needs a host: sqs://<region> or sqs://<host>:<port>");
  if (REGION.test(host) && !parsed.port) {
    options.region = host;
  } else {
    const tlsParam = parsed.searchParams.get("tls");
    if (tlsParam !== null && tlsParam !== "true" && tlsParam !== "false") {
      throw invalid(`tls must be true or false, got ${tlsParam}`);
    }
    const tls = tlsParam === null ? !LOOPBACK.has(host) : tlsParam === "true";
    options.endpoint = `${tls ? "https" : "http"}://${parsed.host}`;
  }
  if (region) options.region = region;
  if (parsed.username || parsed.password) {
    if (!parsed.username || !parsed.password) {
      throw invalid("sqs URL credentials need both an access key id and a secret: sqs://KEY:SECRET@host");
    }
    options.credentials = {
      accessKeyId: decodeURIComponent(parsed.username),
      secretAccessKey: decodeURIComponent(parsed.password),
    };
  }
  const timeout = parsed.searchParams.get("requestTimeoutMs");
  if (timeout !== null) options.requestTimeoutMs = Number(timeout);
  const maxMessageBytes = parsed.searchParams.get("maxMessageBytes");
  if (maxMessageBytes !== null) options.maxMessageBytes = Number(maxMessageBytes);
  return options;
}

function isStatic(c: SqsTransportOptions["credentials"]): c is SqsStaticCredentials {
  return typeof c === "object" && c !== null;
}

/**
 * Applies the producer's URL (options win over it) and defaults, and validates everything before
 * connecting. The HTTP request timeout defaults to the producer's `requestTimeoutMs`.
 */
export function resolveSqsOptions(
  options: SqsTransportOptions = {},
  context: TransportContext = {},
): ResolvedSqsConfig {
  const merged: SqsTransportOptions = {
    ...(context.url ? parseSqsUrl(context.url) : {}),
    ...check.section(options, OPTION_NAMES),
  };
  const region = merged.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  if (!/^[a-z0-9-]+$/.test(region)) throw invalid(`region "${region}" is not a region name`);
  if (merged.endpoint !== undefined) {
    try {
      const e = new URL(merged.endpoint);
      if (e.protocol !== "http:" && e.protocol !== "https:") throw new Error("scheme");
      if (e.username || e.password) throw invalid("endpoint must not carry credentials; use `credentials`");
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      throw invalid("endpoint must be an http:// or https:// URL");
    }
  }
  let credentials: ResolvedSqsConfig["credentials"];
  if (typeof merged.credentials === "function") {
    credentials = merged.credentials;
  } else if (isStatic(merged.credentials)) {
    const c = merged.credentials;
    if (typeof c.accessKeyId !== "string" || !c.accessKeyId)
      throw invalid("credentials.accessKeyId is empty");
    if (typeof c.secretAccessKey !== "string" || !c.secretAccessKey) {
      throw invalid("credentials.secretAccessKey is empty");
    }
    credentials = c instanceof RedactedCredentials ? c : new RedactedCredentials(c);
  } else if (merged.credentials !== undefined) {
    throw invalid(
      "credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a provider function",
    );
  }
  const maxMessageBytes = check.positiveInteger(merged.maxMessageBytes, "maxMessageBytes") ?? ONE_MIB;
  const maxBatchBytes = check.positiveInteger(merged.maxBatchBytes, "maxBatchBytes") ?? ONE_MIB;
  if (maxBatchBytes < maxMessageBytes) {
    throw invalid(`maxBatchBytes (${maxBatchBytes}) must be at least maxMessageBytes (${maxMessageBytes})`);
  }
  return {
    region,
    endpoint: merged.endpoint,
    credentials,
    maxMessageBytes,
    maxBatchBytes,
    requestTimeoutMs:
      check.positiveInteger(merged.requestTimeoutMs, "requestTimeoutMs") ??
      context.requestTimeoutMs ??
      30_000,
    connectionTimeoutMs: check.positiveInteger(merged.connectionTimeoutMs, "connectionTimeoutMs") ?? 5_000,
    client: merged.client,
  };
}

/** @deprecated The former name of {@link resolveSqsOptions}, taking the producer's URL alone. */
export function resolveSqsConfig(options: SqsTransportOptions = {}, url?: string): ResolvedSqsConfig {
  return resolveSqsOptions(options, { url });
}

/** A one-line, credential-free description for logs: `sqs http://127.0.0.1:9324 (us-east-1)`. */
export function describeSqsConfig(config: ResolvedSqsConfig): string {
  const where = config.endpoint ?? "aws";
  const auth =
    config.credentials === undefined
      ? "default credential chain"
      : typeof config.credentials === "function"
        ? "credential provider"
        : "static credentials";
  return `sqs ${where} (${config.region}, ${auth})`;
}

/** `createProducer({ sqs: {...} })` is type-checked against these options where this package's types are loaded. */
declare module "@outbound/core" {
  interface TransportOptionsMap {
    sqs: SqsTransportOptions;
  }
}
