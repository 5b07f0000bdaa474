import type { RegistrySchema, SchemaRegistryClient } from "./registry-client.js";

/** Options for the HTTP client of a Confluent-compatible registry (Confluent, Karapace, Apicurio's ccompat API). */
export interface HttpRegistryClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8081`. Credentials in it (`https://user:pass@host`) are used as basic auth. */
  url: string;
  /** Basic auth; Confluent Cloud takes the API key and secret here. */
  basicAuth?: { username: string; password: string };
  /** Bearer token, for registries behind OAuth. */
  bearerToken?: string;
  /** Milliseconds before one request is abandoned. Default 10 000. */
  requestTimeoutMs?: number;
  /** Replaces global `fetch`, for proxies and tests. */
  fetch?: typeof fetch;
}

/** A failed registry request: the HTTP status and the registry's own error code when it sent one. */
export class RegistryRequestError extends Error {
  override readonly name = "RegistryRequestError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True for the registry's "subject not found" (40401) and "schema not found" (40403). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

const REGISTRY_MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

/**
 * A small client for the two registry calls a producer needs, on Node's `fetch`.
 *
 * Why not a published client: `@confluentinc/schemaregistry` and
 * `@kafkajs/confluent-schema-registry` both pull protobufjs 7, whose install script pnpm refuses
 * by default (the workspace install fails), declare or pull packages that require Node 22, and
 * bring KMS/cloud SDKs or a second Avro and Protobuf runtime that a producer does not use. Two REST
 * calls do not justify that.
 */
export class HttpSchemaRegistryClient implements SchemaRegistryClient {
  private readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpRegistryClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      // The URL may carry credentials, so it is not echoed.
      throw new TypeError("schema registry url is not a valid URL");
    }
    let basic = options.basicAuth;
    if (basic === undefined && (parsed.username !== "" || parsed.password !== "")) {
      basic = {
        username: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
      };
    }
    parsed.username = "";
    parsed.password = "";
    this.baseUrl = parsed.toString().replace(/\/+$/, "");
    this.authorization =
      options.bearerToken !== undefined
        ? `Bearer ${options.bearerToken}`
        : basic !== undefined
          ? `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString("base64")}`
          : undefined;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The registry's URL without credentials, safe to print. */
  get url(): string {
    return this.baseUrl;
  }

  async getId(subject: string, schema: RegistrySchema): Promise<number> {
    return this.post(`/subjects/${encodeURIComponent(subject)}`, schema);
  }

  async register(subject: string, schema: RegistrySchema): Promise<number> {
    return this.post(`/subjects/${encodeURIComponent(subject)}/versions`, schema);
  }

  private async post(path: string, schema: RegistrySchema): Promise<number> {
    const body: Record<string, unknown> = { schema: schema.schema };
    // The registry treats an absent schemaType as AVRO; older registries reject the field.
    if (schema.schemaType !== "AVRO") body.schemaType = schema.schemaType;
    if (schema.references !== undefined && schema.references.length > 0) body.references = schema.references;
    const headers: Record<string, string> = {
      "content-type": REGISTRY_MEDIA_TYPE,
      accept: REGISTRY_MEDIA_TYPE,
    };
    if (this.authorization !== undefined) headers.authorization = this.authorization;

    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RegistryRequestError(
        `POST ${path} to ${this.baseUrl} failed: ${reason}`,
        undefined,
        undefined,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    let payload: { id?: unknown; error_code?: unknown; message?: unknown } = {};
    try {
      payload = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    if (!response.ok) {
      const code = typeof payload.error_code === "number" ? payload.error_code : undefined;
      const detail = typeof payload.message === "string" ? `: ${payload.message}` : "";
      throw new RegistryRequestError(
        `POST ${path} returned HTTP ${response.status}${detail}`,
        response.status,
        code,
      );
    }
    if (typeof payload.id !== "number" || !Number.isInteger(payload.id)) {
      throw new RegistryRequestError(`POST ${path} returned no schema id`, response.status, undefined);
    }
    return payload.id;
  }
}
