import type { ErrorCode, ErrorKind } from "@outbound/core";

/** What a broker error means for a produced record: Outbound's code, its kind, and why. */
export interface BrokerErrorMeaning {
  code: ErrorCode;
  kind: ErrorKind;
  text: string;
}

const retriable = (code: ErrorCode, text: string): BrokerErrorMeaning => ({ code, kind: "retriable", text });
const unknown = (code: ErrorCode, text: string): BrokerErrorMeaning => ({
  code,
  kind: "unknown-outcome",
  text,
});
const terminal = (code: ErrorCode, text: string): BrokerErrorMeaning => ({ code, kind: "terminal", text });

/**
 * Kafka's protocol error names and what each means for the records of a produce request.
 * `retriable` means the broker did not store them; `unknown-outcome` means it may have.
 * Both clients' spellings are listed (kafkajs keeps the pre-2.4 NOT_LEADER_FOR_PARTITION).
 */
export const BROKER_ERRORS: Readonly<Record<string, BrokerErrorMeaning>> = {
  LEADER_NOT_AVAILABLE: retriable("BROKER_UNAVAILABLE", "partition leader not available"),
  // With acks all, a leader that appended the records and then lost leadership while waiting for
  // its followers answers NOT_LEADER: the new leader may hold them. Seen in a rolling restart.
  NOT_LEADER_FOR_PARTITION: unknown("BROKER_UNAVAILABLE", "broker is no longer the partition leader"),
  NOT_LEADER_OR_FOLLOWER: unknown("BROKER_UNAVAILABLE", "broker is no longer the partition leader"),
  FENCED_LEADER_EPOCH: retriable("BROKER_UNAVAILABLE", "the client's leader epoch is stale"),
  UNKNOWN_LEADER_EPOCH: retriable("BROKER_UNAVAILABLE", "the broker has not caught up with the leader epoch"),
  BROKER_NOT_AVAILABLE: retriable("BROKER_UNAVAILABLE", "broker not available"),
  REPLICA_NOT_AVAILABLE: retriable("BROKER_UNAVAILABLE", "replica not available"),
  NOT_ENOUGH_REPLICAS: retriable("BROKER_UNAVAILABLE", "not enough in-sync replicas"),
  // The leader appended the records, then too few replicas caught up: a retry may duplicate them.
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: unknown(
    "BROKER_UNAVAILABLE",
    "records written but not enough replicas acknowledged them",
  ),
  // Same: the broker answers REQUEST_TIMED_OUT to a produce after appending on the leader.
  REQUEST_TIMED_OUT: unknown("TIMEOUT", "broker timed out waiting for replicas; the records may be stored"),
  NETWORK_EXCEPTION: unknown("BROKER_UNAVAILABLE", "broker network error"),
  KAFKA_STORAGE_ERROR: retriable("BROKER_UNAVAILABLE", "broker storage error"),
  COORDINATOR_NOT_AVAILABLE: retriable("BROKER_UNAVAILABLE", "coordinator not available"),
  COORDINATOR_LOAD_IN_PROGRESS: retriable("BROKER_UNAVAILABLE", "coordinator still loading"),
  NOT_COORDINATOR: retriable("BROKER_UNAVAILABLE", "broker is not the coordinator"),
  CONCURRENT_TRANSACTIONS: retriable("BROKER_UNAVAILABLE", "previous transaction still completing"),
  CORRUPT_MESSAGE: retriable("PROTOCOL_ERROR", "broker found a corrupt record batch"),
  MESSAGE_TOO_LARGE: terminal("MESSAGE_TOO_LARGE", "record batch exceeds the broker's limit"),
  RECORD_LIST_TOO_LARGE: terminal("MESSAGE_TOO_LARGE", "record batch exceeds the broker's limit"),
  INVALID_TOPIC_EXCEPTION: terminal("UNKNOWN_DESTINATION", "invalid topic name"),
  // Retriable as in Kafka's clients: a new topic or partition may not have reached every broker.
  UNKNOWN_TOPIC_OR_PARTITION: retriable("UNKNOWN_DESTINATION", "unknown topic or partition"),
  UNKNOWN_TOPIC_ID: retriable("UNKNOWN_DESTINATION", "unknown topic id"),
  TOPIC_AUTHORIZATION_FAILED: terminal("NOT_AUTHORIZED", "not authorized to write the topic"),
  CLUSTER_AUTHORIZATION_FAILED: terminal("NOT_AUTHORIZED", "not authorized on the cluster"),
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: terminal(
    "NOT_AUTHORIZED",
    "not authorized for the transactional id",
  ),
  SASL_AUTHENTICATION_FAILED: terminal("AUTH_FAILED", "SASL authentication failed"),
  ILLEGAL_SASL_STATE: terminal("AUTH_FAILED", "SASL handshake in an illegal state"),
  UNSUPPORTED_SASL_MECHANISM: terminal("AUTH_FAILED", "broker does not offer this SASL mechanism"),
  INVALID_REQUIRED_ACKS: terminal("INVALID_CONFIG", "broker refused the acks setting"),
  UNSUPPORTED_COMPRESSION_TYPE: terminal("UNSUPPORTED_FEATURE", "broker does not accept this compression"),
  UNSUPPORTED_VERSION: terminal("UNSUPPORTED_FEATURE", "broker does not support this request version"),
  UNSUPPORTED_FOR_MESSAGE_FORMAT: terminal("UNSUPPORTED_FEATURE", "topic's message format is too old"),
  INVALID_TIMESTAMP: terminal("INVALID_MESSAGE", "record timestamp outside the topic's accepted range"),
  INVALID_RECORD: terminal("REJECTED", "broker rejected the record"),
  INVALID_REQUEST: terminal("PROTOCOL_ERROR", "broker found the request malformed"),
  POLICY_VIOLATION: terminal("REJECTED", "broker policy rejected the request"),
  THROTTLING_QUOTA_EXCEEDED: { code: "THROTTLED", kind: "throttled", text: "broker quota exceeded" },
  // The idempotent producer's sequence state: the transport resolves these itself where it can.
  OUT_OF_ORDER_SEQUENCE_NUMBER: unknown("PROTOCOL_ERROR", "idempotent producer sequence out of order"),
  UNKNOWN_PRODUCER_ID: unknown("PROTOCOL_ERROR", "broker lost the idempotent producer's state"),
  INVALID_PRODUCER_ID_MAPPING: terminal("REJECTED", "transactional id has no producer id mapping"),
  INVALID_PRODUCER_EPOCH: terminal("REJECTED", "producer epoch fenced"),
  PRODUCER_FENCED: terminal("REJECTED", "producer fenced by a newer instance"),
  TRANSACTION_COORDINATOR_FENCED: terminal("REJECTED", "transaction coordinator fenced"),
  INVALID_TXN_STATE: terminal("REJECTED", "transaction in a state that forbids this request"),
  INVALID_TRANSACTION_TIMEOUT: terminal("INVALID_CONFIG", "transaction timeout refused by the broker"),
};

/**
 * The meaning of a broker error by name. An unlisted name falls back on the client's own
 * `retriable` flag, and then counts as not stored only if the client says retriable.
 */
export function brokerErrorMeaning(name: string, clientSaysRetriable = false): BrokerErrorMeaning {
  return (
    BROKER_ERRORS[name] ??
    (clientSaysRetriable
      ? retriable("BROKER_UNAVAILABLE", `broker error ${name}`)
      : terminal("REJECTED", `broker error ${name}`))
  );
}

/** TLS verification failures: a retry cannot succeed until the configuration changes. */
export const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/i;
/** TLS trouble as seen in an error message. */
export const TLS_FAILURE_MESSAGE = /certificate|SSL routines|TLS/i;
