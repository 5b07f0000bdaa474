import {
  GetQueueUrlCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Driver, DriverContext } from "./driver.js";
import { sqsCredentials } from "./outbound-transports.js";

/**
 * Raw @aws-sdk/client-sqs: `SendMessage` per message, or `SendMessageBatch` of up to 10. Bodies are
 * the same bytes as Outbound sends, base64 like its transport does for binary values, with the same
 * content-type attribute, so both put the same request size on the wire.
 */
export function sqsDriver(ctx: DriverContext): Driver {
  const { spec, payloads } = ctx;
  const client = new SQSClient({
    endpoint: spec.endpoints.sqsEndpoint,
    region: "us-east-1",
    credentials: sqsCredentials,
  });
  const bodies = payloads.values.map((v) => v.toString("base64"));
  const keys = payloads.keys?.map((k) => k.toString("base64"));
  let queueUrl = "";
  const attributes = (i: number): Record<string, MessageAttributeValue> => {
    const a: Record<string, MessageAttributeValue> = {
      "content-type": { DataType: "String.base64", StringValue: "application/octet-stream" },
    };
    if (keys) a["outbound-key"] = { DataType: "Binary", BinaryValue: payloads.key(i)! };
    return a;
  };
  const body = (i: number): string => bodies[i % bodies.length]!;
  return {
    batched: true,
    connect: async () => {
      queueUrl = (await client.send(new GetQueueUrlCommand({ QueueName: spec.topic }))).QueueUrl!;
    },
    sendOne: async (i) => {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body(i),
          MessageAttributes: attributes(i),
        }),
      );
    },
    sendBatch: async (i, count) => {
      const entries = [];
      for (let k = 0; k < count; k++) {
        entries.push({ Id: String(k), MessageBody: body(i + k), MessageAttributes: attributes(i + k) });
      }
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      if (out.Failed && out.Failed.length > 0)
        throw new Error(`SendMessageBatch: ${out.Failed.length} entries failed (${out.Failed[0]?.Code})`);
    },
    close: async () => client.destroy(),
  };
}
