/** `BaseCommand.Type` values this client sends or handles (numbers from the protocol spec). */
export const CommandType = {
  CONNECT: 2,
  CONNECTED: 3,
  PRODUCER: 5,
  SEND: 6,
  SEND_RECEIPT: 7,
  SEND_ERROR: 8,
  SUCCESS: 13,
  ERROR: 14,
  CLOSE_PRODUCER: 15,
  PRODUCER_SUCCESS: 17,
  PING: 18,
  PONG: 19,
  PARTITIONED_METADATA: 21,
  PARTITIONED_METADATA_RESPONSE: 22,
  LOOKUP: 23,
  LOOKUP_RESPONSE: 24,
  AUTH_CHALLENGE: 36,
  AUTH_RESPONSE: 37,
} as const;

/** `CommandLookupTopicResponse.LookupType`. */
export const LookupType = { Redirect: 0, Connect: 1, Failed: 2 } as const;

/** `CommandPartitionedTopicMetadataResponse.LookupType`. */
export const PartitionedMetadataResult = { Success: 0, Failed: 1 } as const;

/** `ProducerAccessMode`. */
export const ProducerAccessMode = {
  Shared: 0,
  Exclusive: 1,
  WaitForExclusive: 2,
  ExclusiveWithFencing: 3,
} as const;

export type ProducerAccessModeName = keyof typeof ProducerAccessMode;
