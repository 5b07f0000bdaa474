import protobuf from "protobufjs";

/**
 * The producer-side subset of Pulsar's wire protocol, written for Outbound from the public
 * "Pulsar binary protocol specification" (field numbers and enum values as published there).
 * Consumer, transaction, schema-lookup and topic-watch commands are left out: the decoder
 * skips fields it does not know, so frames that carry them still decode.
 *
 * Kept as text in a TypeScript module rather than a `.proto` file next to the build output,
 * so `dist/` needs nothing copied beside the compiled JavaScript.
 */
export const PULSAR_PROTO = `
syntax = "proto2";
package pulsar.proto;

message KeyValue {
  required string key = 1;
  required string value = 2;
}

message Schema {
  enum Type {
    None = 0;
    String = 1;
    Json = 2;
    Protobuf = 3;
    Avro = 4;
    Bool = 5;
    Int8 = 6;
    Int16 = 7;
    Int32 = 8;
    Int64 = 9;
    Float = 10;
    Double = 11;
    Date = 12;
    Time = 13;
    Timestamp = 14;
    KeyValue = 15;
    Instant = 16;
    LocalDate = 17;
    LocalTime = 18;
    LocalDateTime = 19;
    ProtobufNative = 20;
  }
  required string name = 1;
  required bytes schema_data = 3;
  required Type type = 4;
  repeated KeyValue properties = 5;
}

message MessageIdData {
  required uint64 ledgerId = 1;
  required uint64 entryId = 2;
  optional int32 partition = 3 [default = -1];
  optional int32 batch_index = 4 [default = -1];
  optional int32 batch_size = 6;
}

enum CompressionType {
  NONE = 0;
  LZ4 = 1;
  ZLIB = 2;
  ZSTD = 3;
  SNAPPY = 4;
}

enum ProducerAccessMode {
  Shared = 0;
  Exclusive = 1;
  WaitForExclusive = 2;
  ExclusiveWithFencing = 3;
}

enum ServerError {
  UnknownError = 0;
  MetadataError = 1;
  PersistenceError = 2;
  AuthenticationError = 3;
  AuthorizationError = 4;
  ConsumerBusy = 5;
  ServiceNotReady = 6;
  ProducerBlockedQuotaExceededError = 7;
  ProducerBlockedQuotaExceededException = 8;
  ChecksumError = 9;
  UnsupportedVersionError = 10;
  TopicNotFound = 11;
  SubscriptionNotFound = 12;
  ConsumerNotFound = 13;
  TooManyRequests = 14;
  TopicTerminatedError = 15;
  ProducerBusy = 16;
  InvalidTopicName = 17;
  IncompatibleSchema = 18;
  ConsumerAssignError = 19;
  TransactionCoordinatorNotFound = 20;
  InvalidTxnStatus = 21;
  NotAllowedError = 22;
  TransactionConflict = 23;
  TransactionNotFound = 24;
  ProducerFenced = 25;
}

message MessageMetadata {
  required string producer_name = 1;
  required uint64 sequence_id = 2;
  required uint64 publish_time = 3;
  repeated KeyValue properties = 4;
  optional string partition_key = 6;
  optional CompressionType compression = 8 [default = NONE];
  optional uint32 uncompressed_size = 9 [default = 0];
  optional int32 num_messages_in_batch = 11 [default = 1];
  optional uint64 event_time = 12 [default = 0];
  optional bool partition_key_b64_encoded = 17 [default = false];
  optional bytes ordering_key = 18;
  optional int64 deliver_at_time = 19;
  optional uint64 highest_sequence_id = 24 [default = 0];
}

message SingleMessageMetadata {
  repeated KeyValue properties = 1;
  optional string partition_key = 2;
  required int32 payload_size = 3;
  optional bool compacted_out = 4 [default = false];
  optional uint64 event_time = 5 [default = 0];
  optional bool partition_key_b64_encoded = 6 [default = false];
  optional bytes ordering_key = 7;
  optional uint64 sequence_id = 8;
  optional bool null_value = 9 [default = false];
}

message FeatureFlags {
  optional bool supports_auth_refresh = 1 [default = false];
  optional bool supports_broker_entry_metadata = 2 [default = false];
  optional bool supports_partial_producer = 3 [default = false];
}

message CommandConnect {
  required string client_version = 1;
  optional bytes auth_data = 3;
  optional int32 protocol_version = 4 [default = 0];
  optional string auth_method_name = 5;
  optional string proxy_to_broker_url = 6;
  optional FeatureFlags feature_flags = 10;
}

message CommandConnected {
  required string server_version = 1;
  optional int32 protocol_version = 2 [default = 0];
  optional int32 max_message_size = 3;
  optional FeatureFlags feature_flags = 4;
}

message AuthData {
  optional string auth_method_name = 1;
  optional bytes auth_data = 2;
}

message CommandAuthResponse {
  optional string client_version = 1;
  optional AuthData response = 2;
  optional int32 protocol_version = 3 [default = 0];
}

message CommandAuthChallenge {
  optional string server_version = 1;
  optional AuthData challenge = 2;
  optional int32 protocol_version = 3 [default = 0];
}

message CommandPartitionedTopicMetadata {
  required string topic = 1;
  required uint64 request_id = 2;
}

message CommandPartitionedTopicMetadataResponse {
  enum LookupType {
    Success = 0;
    Failed = 1;
  }
  optional uint32 partitions = 1;
  required uint64 request_id = 2;
  optional LookupType response = 3;
  optional ServerError error = 4;
  optional string message = 5;
}

message CommandLookupTopic {
  required string topic = 1;
  required uint64 request_id = 2;
  optional bool authoritative = 3 [default = false];
}

message CommandLookupTopicResponse {
  enum LookupType {
    Redirect = 0;
    Connect = 1;
    Failed = 2;
  }
  optional string brokerServiceUrl = 1;
  optional string brokerServiceUrlTls = 2;
  optional LookupType response = 3;
  required uint64 request_id = 4;
  optional bool authoritative = 5 [default = false];
  optional ServerError error = 6;
  optional string message = 7;
  optional bool proxy_through_service_url = 8 [default = false];
}

message CommandProducer {
  required string topic = 1;
  required uint64 producer_id = 2;
  required uint64 request_id = 3;
  optional string producer_name = 4;
  optional bool encrypted = 5 [default = false];
  repeated KeyValue metadata = 6;
  optional Schema schema = 7;
  optional uint64 epoch = 8 [default = 0];
  optional bool user_provided_producer_name = 9 [default = true];
  optional ProducerAccessMode producer_access_mode = 10 [default = Shared];
  optional uint64 topic_epoch = 11;
}

message CommandProducerSuccess {
  required uint64 request_id = 1;
  required string producer_name = 2;
  optional int64 last_sequence_id = 3 [default = -1];
  optional bytes schema_version = 4;
  optional uint64 topic_epoch = 5;
  optional bool producer_ready = 6 [default = true];
}

message CommandSend {
  required uint64 producer_id = 1;
  required uint64 sequence_id = 2;
  optional int32 num_messages = 3 [default = 1];
  optional uint64 highest_sequence_id = 6 [default = 0];
}

message CommandSendReceipt {
  required uint64 producer_id = 1;
  required uint64 sequence_id = 2;
  optional MessageIdData message_id = 3;
  optional uint64 highest_sequence_id = 4 [default = 0];
}

message CommandSendError {
  required uint64 producer_id = 1;
  required uint64 sequence_id = 2;
  required ServerError error = 3;
  required string message = 4;
}

message CommandCloseProducer {
  required uint64 producer_id = 1;
  required uint64 request_id = 2;
  optional string assignedBrokerServiceUrl = 3;
  optional string assignedBrokerServiceUrlTls = 4;
}

message CommandSuccess {
  required uint64 request_id = 1;
}

message CommandError {
  required uint64 request_id = 1;
  required ServerError error = 2;
  required string message = 3;
}

message CommandPing {}
message CommandPong {}

message BaseCommand {
  enum Type {
    CONNECT = 2;
    CONNECTED = 3;
    PRODUCER = 5;
    SEND = 6;
    SEND_RECEIPT = 7;
    SEND_ERROR = 8;
    SUCCESS = 13;
    ERROR = 14;
    CLOSE_PRODUCER = 15;
    PRODUCER_SUCCESS = 17;
    PING = 18;
    PONG = 19;
    PARTITIONED_METADATA = 21;
    PARTITIONED_METADATA_RESPONSE = 22;
    LOOKUP = 23;
    LOOKUP_RESPONSE = 24;
    AUTH_CHALLENGE = 36;
    AUTH_RESPONSE = 37;
  }
  required Type type = 1;
  optional CommandConnect connect = 2;
  optional CommandConnected connected = 3;
  optional CommandProducer producer = 5;
  optional CommandSend send = 6;
  optional CommandSendReceipt send_receipt = 7;
  optional CommandSendError send_error = 8;
  optional CommandSuccess success = 13;
  optional CommandError error = 14;
  optional CommandCloseProducer close_producer = 15;
  optional CommandProducerSuccess producer_success = 17;
  optional CommandPing ping = 18;
  optional CommandPong pong = 19;
  optional CommandPartitionedTopicMetadata partitionMetadata = 21;
  optional CommandPartitionedTopicMetadataResponse partitionMetadataResponse = 22;
  optional CommandLookupTopic lookupTopic = 23;
  optional CommandLookupTopicResponse lookupTopicResponse = 24;
  optional CommandAuthChallenge authChallenge = 36;
  optional CommandAuthResponse authResponse = 37;
}
`;

const root = protobuf.parse(PULSAR_PROTO, { keepCase: true }).root;

function lookup(name: string): protobuf.Type {
  return root.lookupType(`pulsar.proto.${name}`);
}

/** Reflected message types, built once when the module loads. */
export const proto = {
  BaseCommand: lookup("BaseCommand"),
  MessageMetadata: lookup("MessageMetadata"),
  SingleMessageMetadata: lookup("SingleMessageMetadata"),
} as const;

const serverErrors = root.lookupEnum("pulsar.proto.ServerError");

/** The protocol's name for a `ServerError` code, e.g. `TopicNotFound`; unknown codes keep their number. */
export function serverErrorName(code: number | undefined | null): string {
  if (code === undefined || code === null) return "UnknownError";
  return serverErrors.valuesById[code] ?? `ServerError(${code})`;
}
