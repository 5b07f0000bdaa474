import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Probe, ProbedMessage } from "@outbound/contract";
import type { SqsProxy } from "./toxiproxy.js";

/** Dummy credentials: the SDK signs every request, ElasticMQ and moto accept any key. */
export const TEST_CREDENTIALS = { accessKeyId: "outbound-test", secretAccessKey: "outbound-test-secret" };
export const TEST_REGION = "us-east-1";

export interface SqsProbeOptions {
  endpoint: string;
  /** Content-based deduplication on the FIFO queues `createTopic` makes. Default false. */
  fifoContentBasedDeduplication?: boolean;
  /**
   * A proxy the producer under test goes through; gives the probe `dropConnections` and
   * `stall`. The probe itself always reads from `endpoint` directly.
   */
  proxy?: SqsProxy;
}

/** A received message with SQS's own view of it, for tests that check SQS-specific fields. */
export interface RawReceived {
  message: Message;
  probed: ProbedMessage;
}

/**
 * Reads queues back with the raw AWS SDK, independently of Outbound: ReceiveMessage, then
 * DeleteMessageBatch of what it read. It decodes Outbound's documented wire format itself
 * (docs/transports/sqs.md) rather than calling the transport's code, so a bug shared by an
 * encoder and its decoder cannot hide.
 */
export class SqsProbe implements Probe {
  readonly client: SQSClient;
  private readonly urls = new Map<string, string>();

  dropConnections?: () => Promise<void>;
  stall?: () => Promise<() => Promise<void>>;

  constructor(private readonly options: SqsProbeOptions) {
    this.client = new SQSClient({
      region: TEST_REGION,
      endpoint: options.endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 3,
    });
    const { proxy } = options;
    if (proxy) {
      this.dropConnections = () => proxy.dropConnections();
      this.stall = () => proxy.stall();
    }
  }

  async createTopic(
    topic: string,
    options: {
      partitions: number;
      fifo?: boolean;
      contentBasedDeduplication?: boolean;
      attributes?: Record<string, string>;
    },
  ): Promise<void> {
    const fifo = options.fifo ?? topic.endsWith(".fifo");
    if (fifo && !topic.endsWith(".fifo")) throw new Error(`FIFO queue names end in .fifo, got "${topic}"`);
    const attributes: Record<string, string> = { ...options.attributes };
    if (fifo) {
      attributes.FifoQueue = "true";
      const cbd = options.contentBasedDeduplication ?? this.options.fifoContentBasedDeduplication ?? false;
      attributes.ContentBasedDeduplication = String(cbd);
    }
    const answer = await this.client.send(
      new CreateQueueCommand({ QueueName: topic, Attributes: attributes }),
    );
    this.urls.set(topic, answer.QueueUrl!);
  }

  async queueUrl(topic: string): Promise<string> {
    if (/^https?:\/\//.test(topic)) return topic;
    let url = this.urls.get(topic);
    if (!url) {
      url = (await this.client.send(new GetQueueUrlCommand({ QueueName: topic }))).QueueUrl!;
      this.urls.set(topic, url);
    }
    return url;
  }

  async read(topic: string, options: { count: number; timeoutMs: number }): Promise<ProbedMessage[]> {
    return (await this.readRaw(topic, options)).map((r) => r.probed);
  }

  /** Like `read`, keeping each SQS message (system attributes included). */
  async readRaw(topic: string, options: { count: number; timeoutMs: number }): Promise<RawReceived[]> {
    const url = await this.queueUrl(topic);
    const deadline = Date.now() + options.timeoutMs;
    const received: RawReceived[] = [];
    // Short polls while messages keep coming; a long poll only once the queue looks empty.
    let lastWasEmpty = true;
    while (received.length < options.count) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const answer: ReceiveMessageCommandOutput = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: lastWasEmpty ? Math.max(0, Math.min(1, Math.floor(left / 1000))) : 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["All"],
        }),
      );
      const messages: Message[] = answer.Messages ?? [];
      lastWasEmpty = messages.length === 0;
      for (const message of messages) received.push({ message, probed: decode(topic, message) });
      if (messages.length > 0) {
        await this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    }
    return received;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

const RESERVED = new Set(["content-type", "outbound-key", "outbound-body"]);

function attributeValue(value: MessageAttributeValue): string | Uint8Array {
  const type = value.DataType ?? "String";
  if (type === "String.empty") return "";
  if (type === "Binary.empty") return new Uint8Array(0);
  if (type === "Binary.text") return new TextDecoder().decode(value.BinaryValue!);
  if (type.startsWith("Binary")) return new Uint8Array(value.BinaryValue!);
  return value.StringValue!;
}

function decode(topic: string, message: Message): ProbedMessage {
  const attributes = message.MessageAttributes ?? {};
  const contentType = attributes["content-type"];
  const body = message.Body ?? "";
  let value: Uint8Array;
  if (contentType?.DataType === "String.outbound-body")
    value = new Uint8Array(attributes["outbound-body"]!.BinaryValue!);
  else if (contentType?.DataType === "String.base64") value = new Uint8Array(Buffer.from(body, "base64"));
  else if (contentType?.DataType === "String.empty") value = new Uint8Array(0);
  else value = new Uint8Array(Buffer.from(body, "utf8"));

  const headers: Record<string, string | Uint8Array> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!RESERVED.has(name)) headers[name] = attributeValue(attribute);
  }
  const keyAttribute = attributes["outbound-key"];
  const key = keyAttribute === undefined ? undefined : attributeValue(keyAttribute);
  return {
    topic,
    partition: 0,
    ...(key === undefined ? {} : { key: typeof key === "string" ? new TextEncoder().encode(key) : key }),
    value,
    headers,
    ...(contentType?.StringValue ? { contentType: contentType.StringValue } : {}),
    ...(message.MessageId ? { messageId: message.MessageId } : {}),
    ...(message.Attributes?.SequenceNumber ? { offset: message.Attributes.SequenceNumber } : {}),
  };
}

/** A probe against the test ElasticMQ (or OUTBOUND_TEST_SQS_ENDPOINT). */
export function createSqsProbe(options: SqsProbeOptions): SqsProbe {
  return new SqsProbe(options);
}
