import type { SchemaRegistryClient } from "./registry-client.js";
import type { SubjectNameStrategy, SubjectNameStrategyName } from "./subject-name-strategy.js";

/**
 * How a serializer frames its output for a schema registry. Give `url` for a Confluent-compatible
 * registry over HTTP, `client` for your own or an in-memory one, or `schemaId` to frame with a
 * fixed id and no registry calls.
 */
export interface SchemaRegistryOptions {
  /** Registry base URL; credentials in it are used as basic auth and never printed. */
  url?: string;
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  /** Milliseconds per registry request. Default 10 000. */
  requestTimeoutMs?: number;
  /** A registry client; wins over `url`. `MemorySchemaRegistry` for tests. */
  client?: SchemaRegistryClient;
  /** Frame every message with this id and never call a registry. */
  schemaId?: number;
  /**
   * Subject to register and look the schema up under: `"topic"` (`<topic>-value`, the default),
   * `"record"` (the fully qualified record or message name), `"topic-record"`, or a function.
   */
  subjectNameStrategy?: SubjectNameStrategyName | SubjectNameStrategy;
  /**
   * Register the schema when it is not yet under the subject (default `true`, as Confluent's
   * serializers). With `false` the schema must already be registered, and a message whose schema
   * is not fails with `SERIALIZATION_FAILED`; production setups that manage schemas in CI use
   * `false`.
   */
  autoRegister?: boolean;
}
