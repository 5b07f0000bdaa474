/** A broker `pnpm brokers` manages. */
export type BrokerName =
  | "kafka"
  | "rabbitmq"
  | "sqs"
  | "pulsar"
  | "toxiproxy"
  | "pulsar-auth"
  | "kafka-cluster"
  | "postgres";

/** Broker endpoints for tests: environment overrides, else the local brokers' defaults. */
export interface BrokerEndpoints {
  /** Kafka PLAINTEXT bootstrap `host:port` (OUTBOUND_TEST_KAFKA, default 127.0.0.1:9092). */
  kafka: string;
  /**
   * Kafka SASL_PLAINTEXT bootstrap `host:port` with SCRAM-SHA-256/512 and PLAIN, test-only user
   * `outbound` / `outbound-secret` (OUTBOUND_TEST_KAFKA_SASL, default 127.0.0.1:9094).
   */
  kafkaSasl: string;
  /** Kafka SASL/OAUTHBEARER listener validating unsecured JWTs (OUTBOUND_TEST_KAFKA_OAUTH, default 127.0.0.1:9095). */
  kafkaOauth: string;
  /** Kafka SSL listener (OUTBOUND_TEST_KAFKA_TLS, default 127.0.0.1:9096), certificate for localhost and 127.0.0.1. */
  kafkaTls: string;
  /** PEM file of the CA that signed the Kafka SSL listener's certificate (OUTBOUND_TEST_KAFKA_TLS_CA_FILE). */
  kafkaTlsCaFile: string;
  /** AMQP 0-9-1 URL (OUTBOUND_TEST_AMQP_URL, default amqp://guest:guest@127.0.0.1:5672). */
  amqp: string;
  /**
   * AMQP over TLS (OUTBOUND_TEST_AMQPS_URL, default amqps://guest:guest@127.0.0.1:5671), served with a
   * certificate for localhost/127.0.0.1 signed by the test CA in `amqpsCaFile`.
   */
  amqps: string;
  /** PEM file of the CA that signed the TLS listener's certificate (OUTBOUND_TEST_AMQPS_CA_FILE). */
  amqpsCaFile: string;
  /** SQS endpoint URL (OUTBOUND_TEST_SQS_ENDPOINT, default http://127.0.0.1:9324). */
  sqs: string;
  /** Pulsar binary protocol URL (OUTBOUND_TEST_PULSAR_URL, default pulsar://127.0.0.1:6650). */
  pulsar: string;
  /** Pulsar admin REST and WebSocket base URL (OUTBOUND_TEST_PULSAR_HTTP, default http://127.0.0.1:8080). */
  pulsarHttp: string;
  /** Pulsar with token authentication, binary URL (OUTBOUND_TEST_PULSAR_AUTH_URL, default pulsar://127.0.0.1:6652). */
  pulsarAuth: string;
  /** Its admin REST and WebSocket base URL (OUTBOUND_TEST_PULSAR_AUTH_HTTP, default http://127.0.0.1:8082). */
  pulsarAuthHttp: string;
  /**
   * A token (HS256 JWT, role `outbound-test`) that broker accepts (OUTBOUND_TEST_PULSAR_AUTH_TOKEN; locally
   * read from .brokers/pulsar-auth/tokens, "" until `pulsar-auth` has been started). Test-only.
   */
  pulsarAuthToken: string;
  /** toxiproxy REST API URL (OUTBOUND_TEST_TOXIPROXY, default http://127.0.0.1:8474). */
  toxiproxy: string;
  /**
   * PostgreSQL connection URL for the outbox's store (OUTBOUND_TEST_POSTGRES_URL, default
   * postgres://outbound@127.0.0.1:5433/postgres, trusted on loopback). Test-only.
   */
  postgres: string;
}

/** Environment variable that overrides each endpoint. */
export declare const overrideVariables: Readonly<Record<keyof BrokerEndpoints, string>>;

/** The endpoints tests should dial, read from the environment at call time. */
export declare function endpoints(): BrokerEndpoints;

/** True when an environment override points this broker's tests elsewhere, so nothing starts locally. */
export declare function isExternal(broker: BrokerName): boolean;
