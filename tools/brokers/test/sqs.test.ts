import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { endpoints } from "../endpoints.mjs";

// ElasticMQ ignores credentials, but the SDK refuses to sign without some.
const client = new SQSClient({
  endpoint: endpoints().sqs,
  region: "us-east-1",
  credentials: { accessKeyId: "outbound-test", secretAccessKey: "outbound-test" },
});
const created: string[] = [];

async function createQueue(name: string, attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  created.push(QueueUrl);
  return QueueUrl;
}

async function receiveBody(queueUrl: string): Promise<string | undefined> {
  const { Messages } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
  );
  return Messages?.[0]?.Body;
}

afterAll(async () => {
  for (const QueueUrl of created) await client.send(new DeleteQueueCommand({ QueueUrl }));
  client.destroy();
});

describe("sqs broker (ElasticMQ)", () => {
  it("stores a message on a created queue and serves it back", async () => {
    const queueUrl = await createQueue(`smoke-${randomUUID()}`);
    const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "hello sqs" }));
    expect(sent.MessageId).toBeTruthy();
    expect(await receiveBody(queueUrl)).toBe("hello sqs");
  });

  it("serves FIFO queues with sequence numbers", async () => {
    const queueUrl = await createQueue(`smoke-${randomUUID()}.fifo`, {
      FifoQueue: "true",
      ContentBasedDeduplication: "true",
    });
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "hello fifo", MessageGroupId: "g1" }),
    );
    expect(sent.SequenceNumber).toBeTruthy();
    expect(await receiveBody(queueUrl)).toBe("hello fifo");
  });

  it("enforces SQS's message size limit (sqs-limits = strict)", async () => {
    const queueUrl = await createQueue(`smoke-${randomUUID()}`);
    const tooLarge = "x".repeat(1024 * 1024 + 1024);
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: tooLarge })),
    ).rejects.toThrow(/too long|MessageTooLong|InvalidAttributeValue|InvalidParameterValue/i);
  });
});
