import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { OutboundError } from "@outbound/core";
import { classifyRequestError, isQueueMissing } from "./errors.js";
import { isFifoQueueName } from "./fifo.js";

/** What the transport knows about a destination queue. */
export interface QueueInfo {
  name: string;
  url: string;
  fifo: boolean;
  /** FIFO only: whether SQS derives the deduplication id from the body when none is given. */
  contentBasedDeduplication: boolean;
}

/** Splits a topic into a queue name and, when the topic is a queue URL, that URL. */
export function parseTopic(topic: string): { name: string; url: string | undefined } {
  if (/^https?:\/\//i.test(topic)) {
    const path = new URL(topic).pathname.split("/").filter(Boolean);
    return { name: path.at(-1) ?? topic, url: topic };
  }
  return { name: topic, url: undefined };
}

/**
 * Resolves topics to queues once and keeps the answer: GetQueueUrl for names, and for FIFO
 * queues one GetQueueAttributes for content-based deduplication. Concurrent callers share one
 * lookup; a failed lookup is forgotten so the next send asks again.
 */
export class QueueDirectory {
  private readonly known = new Map<string, Promise<QueueInfo>>();

  constructor(
    private readonly client: () => SQSClient,
    private readonly secrets: () => readonly string[],
  ) {}

  /**
   * The queue behind a topic. The lookup is shared by concurrent callers, so no caller's abort
   * signal cancels it; it is bounded by the client's request timeout.
   */
  resolve(topic: string): Promise<QueueInfo> {
    let pending = this.known.get(topic);
    if (!pending) {
      pending = this.lookUp(topic);
      this.known.set(topic, pending);
      pending.catch(() => this.known.delete(topic));
    }
    return pending;
  }

  /** Drops a cached queue, after SQS said it no longer exists. */
  forget(topic: string): void {
    this.known.delete(topic);
  }

  private async lookUp(topic: string): Promise<QueueInfo> {
    const { name, url: given } = parseTopic(topic);
    const fifo = isFifoQueueName(name);
    const url = given ?? (await this.call(`GetQueueUrl for "${name}"`, name, () => this.queueUrl(name)));
    let contentBasedDeduplication = false;
    if (fifo) {
      const attributes = await this.call(`GetQueueAttributes for "${name}"`, name, () =>
        this.client().send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ContentBasedDeduplication"] }),
        ),
      );
      contentBasedDeduplication = attributes.Attributes?.ContentBasedDeduplication === "true";
    }
    return { name, url, fifo, contentBasedDeduplication };
  }

  private async queueUrl(name: string): Promise<string> {
    const answer = await this.client().send(new GetQueueUrlCommand({ QueueName: name }));
    if (!answer.QueueUrl)
      throw new OutboundError("PROTOCOL_ERROR", `GetQueueUrl for "${name}" returned no URL`, {
        transport: "sqs",
      });
    return answer.QueueUrl;
  }

  private async call<T>(action: string, name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      if (isQueueMissing(error)) {
        throw new OutboundError("UNKNOWN_DESTINATION", `queue "${name}" does not exist`, {
          transport: "sqs",
          cause: error,
          brokerCode: "QueueDoesNotExist",
        });
      }
      throw classifyRequestError(error, { action, aborted: false, secrets: this.secrets(), stores: false });
    }
  }
}
