import { HttpSchemaRegistryClient, RegistryRequestError } from "./http-registry-client.js";
import type { RegistrySchema, SchemaRegistryClient } from "./registry-client.js";
import type { SchemaRegistryOptions } from "./registry-options.js";
import { schemaSerializationError } from "./serialization-error.js";
import { resolveSubjectNameStrategy, type SubjectNameStrategy } from "./subject-name-strategy.js";
import { frameConfluent } from "./wire-format.js";

/** What a serializer tells the framer about its schema. */
export interface FramedSchema {
  /** Serializer name for error messages: `avro`, `protobuf`. */
  serializer: string;
  /** The schema as registered. */
  schema: RegistrySchema;
  /** Fully qualified record or message name, for the record-name strategies. */
  recordName: string;
  /** Protobuf's message-index path; absent for Avro. */
  messageIndexes?: readonly number[];
}

/**
 * Frames encoded bodies in the Confluent wire format with the schema id for each topic. The id is
 * looked up (or registered) once per subject and cached; concurrent first sends share one
 * request, and a failed lookup is not cached, so the next message tries again. Once an id is
 * cached, `frame` is synchronous.
 */
export class RegistryFramer {
  private readonly client: SchemaRegistryClient | undefined;
  private readonly fixedId: number | undefined;
  private readonly strategy: SubjectNameStrategy;
  private readonly autoRegister: boolean;
  private readonly ids = new Map<string, number>();
  private readonly pending = new Map<string, Promise<number>>();

  constructor(
    options: SchemaRegistryOptions,
    private readonly target: FramedSchema,
  ) {
    this.strategy = resolveSubjectNameStrategy(options.subjectNameStrategy);
    this.autoRegister = options.autoRegister ?? true;
    if (options.schemaId !== undefined) {
      if (!Number.isInteger(options.schemaId) || options.schemaId < 0 || options.schemaId > 0xffff_ffff) {
        throw new TypeError(
          `registry.schemaId must be a non-negative 32-bit integer, got ${options.schemaId}`,
        );
      }
      this.fixedId = options.schemaId;
    } else if (options.client !== undefined) {
      this.client = options.client;
    } else if (options.url !== undefined) {
      this.client = new HttpSchemaRegistryClient({
        url: options.url,
        basicAuth: options.basicAuth,
        bearerToken: options.bearerToken,
        requestTimeoutMs: options.requestTimeoutMs,
      });
    } else {
      throw new TypeError("registry options need one of url, client or schemaId");
    }
  }

  /** The subject this framer uses for `topic`. */
  subject(topic: string): string {
    return this.strategy({ topic, recordName: this.target.recordName, isKey: false });
  }

  /** Frames `body` for `topic`; a promise only while the topic's schema id is not yet known. */
  frame(topic: string, body: Uint8Array): Uint8Array | Promise<Uint8Array> {
    const id = this.schemaId(topic);
    if (typeof id === "number") return frameConfluent(id, body, this.target.messageIndexes);
    return id.then((resolved) => frameConfluent(resolved, body, this.target.messageIndexes));
  }

  /** The schema id for `topic`, synchronously when cached. */
  schemaId(topic: string): number | Promise<number> {
    if (this.fixedId !== undefined) return this.fixedId;
    const subject = this.subject(topic);
    const cached = this.ids.get(subject);
    if (cached !== undefined) return cached;
    let request = this.pending.get(subject);
    if (request === undefined) {
      request = this.lookup(subject, topic).finally(() => this.pending.delete(subject));
      this.pending.set(subject, request);
    }
    return request;
  }

  private async lookup(subject: string, topic: string): Promise<number> {
    const client = this.client!;
    const { schema, serializer } = this.target;
    let id: number;
    try {
      id = this.autoRegister ? await client.register(subject, schema) : await client.getId(subject, schema);
    } catch (error) {
      const notFound = error instanceof RegistryRequestError && error.notFound;
      const problem =
        !this.autoRegister && notFound
          ? `the schema is not registered under subject "${subject}" and autoRegister is off`
          : `schema registry ${this.autoRegister ? "registration" : "lookup"} under subject "${subject}" failed: ${
              error instanceof Error ? error.message : String(error)
            }`;
      throw schemaSerializationError(serializer, topic, problem, {
        cause: error,
        details: {
          subject,
          ...(error instanceof RegistryRequestError
            ? { status: error.status, registryErrorCode: error.errorCode }
            : {}),
        },
      });
    }
    if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
      throw schemaSerializationError(
        serializer,
        topic,
        `the registry returned an invalid schema id for "${subject}"`,
      );
    }
    this.ids.set(subject, id);
    return id;
  }
}
