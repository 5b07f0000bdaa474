import { pulsarError, serverError } from "../errors.js";
import { CommandType, LookupType, PartitionedMetadataResult } from "../protocol/index.js";
import type { ConnectionPool } from "./connection-pool.js";
import { type BrokerAddress, parseBrokerUrl } from "./service-url.js";

/** Where a topic's owner broker is, and how to reach it. */
export interface TopicOwner {
  logical: BrokerAddress;
  physical: BrokerAddress;
}

/** Redirects followed before a lookup gives up (the Java client's bound too). */
const MAX_REDIRECTS = 20;

/**
 * Topic discovery over the binary protocol: PARTITIONED_METADATA for the partition count and
 * LOOKUP, following `Redirect` answers (with their `authoritative` flag) to the owner broker.
 */
export class TopicLookup {
  constructor(
    private readonly pool: ConnectionPool,
    private readonly serviceUrl: BrokerAddress,
  ) {}

  /** Partition count as the broker reports it: 0 for a non-partitioned topic. */
  async partitionedMetadata(topic: string): Promise<number> {
    const connection = await this.pool.get(this.serviceUrl);
    const answer = await connection.request(
      CommandType.PARTITIONED_METADATA,
      "partitionMetadata",
      { topic },
      `PARTITIONED_METADATA ${topic}`,
    );
    const response = answer.partitionMetadataResponse;
    if (response.response === PartitionedMetadataResult.Failed) {
      throw serverError(response.error, response.message, `partition metadata for ${topic}`);
    }
    return response.partitions ?? 0;
  }

  /** Finds the broker that owns `topic` (one partition, or a non-partitioned topic). */
  async lookup(topic: string): Promise<TopicOwner> {
    let target: TopicOwner = { logical: this.serviceUrl, physical: this.serviceUrl };
    let authoritative = false;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const connection = await this.pool.get(target.logical, target.physical);
      const answer = await connection.request(
        CommandType.LOOKUP,
        "lookupTopic",
        { topic, authoritative },
        `LOOKUP ${topic}`,
      );
      const response = answer.lookupTopicResponse;
      if (response.response === LookupType.Failed) {
        throw serverError(response.error, response.message, `lookup of ${topic}`);
      }
      const url = this.serviceUrl.tls ? response.brokerServiceUrlTls : response.brokerServiceUrl;
      if (!url) {
        throw pulsarError(
          "PROTOCOL_ERROR",
          `lookup of ${topic} returned no ${this.serviceUrl.tls ? "TLS " : ""}broker URL`,
          {
            kind: "retriable",
          },
        );
      }
      const broker = parseBrokerUrl(url);
      // Behind a proxy the broker URL is only a name: the socket still goes to the service URL.
      const physical = response.proxy_through_service_url ? this.serviceUrl : broker;
      if (response.response === LookupType.Connect) return { logical: broker, physical };
      target = { logical: broker, physical };
      authoritative = response.authoritative === true;
    }
    throw pulsarError("BROKER_UNAVAILABLE", `lookup of ${topic} redirected more than ${MAX_REDIRECTS} times`);
  }
}
