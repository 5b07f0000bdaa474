import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from "@aws-sdk/client-sqs";
import {
  type Capabilities,
  type Logger,
  OutboundError,
  type RecordBatch,
  type RecordResult,
  type SendContext,
  silentLogger,
  type Transport,
} from "@outbound/core";
import { ClosedState, type TransportSettings, transportErrors } from "@outbound/core/transport";
import { MAX_BATCH_ENTRIES, planRequests } from "./batching.js";
import { sqsCapabilities } from "./capabilities.js";
import { describeSqsConfig, RedactedCredentials, type ResolvedSqsConfig } from "./config.js";
import { classifyEntryFailure, classifyRequestError, isContentRejection } from "./errors.js";
import { runInGroupOrder } from "./group-order.js";
import { type MappedEntry, mapRecord } from "./mapping.js";
import { QueueDirectory, type QueueInfo } from "./queues.js";

/** @deprecated Every transport takes the same {@link TransportSettings}; the URL goes in the options. */
export type SqsTransportSettings = TransportSettings;

interface PendingEntry extends MappedEntry {
  index: number;
}

/** State of one `send` call: the results being filled and the FIFO groups that must stop. */
interface SendRun {
  topic: string;
  queue: QueueInfo;
  signal: AbortSignal;
  results: (RecordResult | undefined)[];
  /** FIFO groups with a message whose fate is open; later messages of the group are held back. */
  stoppedGroups: Set<string>;
  /** Whole-request errors, to reject with when every record failed with one. */
  requestErrors: Set<OutboundError>;
  /** Told each SendMessageBatch's successes as they arrive, before the engine batch's other requests answer. */
  context: SendContext;
}

/**
 * The SQS transport: one engine batch becomes one or more SendMessageBatch requests, each
 * record gets its own result from the answer's `Successful` and `Failed` lists.
 */
export class SqsTransport implements Transport {
  readonly name = "sqs";
  readonly capabilities: Capabilities;
  private readonly config: ResolvedSqsConfig;
  private readonly logger: Logger;
  private readonly queues: QueueDirectory;
  private client: SQSClient | undefined;
  /** The user's own client, which this transport must not destroy. */
  private readonly givenClient: SQSClient | undefined;
  private readonly state = new ClosedState(transportErrors("sqs"));
  private readonly warnedIdQueues = new Set<string>();

  constructor(config: ResolvedSqsConfig, settings: TransportSettings = {}) {
    this.config = config;
    this.capabilities = sqsCapabilities(config);
    this.logger = settings.logger ?? silentLogger;
    this.givenClient = config.client;
    this.queues = new QueueDirectory(
      () => this.sqs(),
      () => this.secrets(),
    );
  }

  /** SQS is plain HTTPS, so there is nothing to open: this only builds the client. */
  async connect(): Promise<void> {
    this.sqs();
    this.logger.debug({ transport: "sqs", endpoint: this.describe() }, "sqs transport ready");
  }

  /** Resolves the queue (so a missing one shows up as `UNKNOWN_DESTINATION`); SQS queues have one partition. */
  async partitions(topic: string): Promise<number> {
    await this.queues.resolve(topic);
    return 1;
  }

  async send(batch: RecordBatch, context: SendContext): Promise<RecordResult[]> {
    this.state.check();
    // The engine aborts it at the request's timeout: the one place a request is timed.
    const signal = context.signal;
    const queue = await untilAborted(this.queues.resolve(batch.topic), signal);
    const run: SendRun = {
      topic: batch.topic,
      queue,
      signal,
      results: new Array(batch.records.length).fill(undefined),
      stoppedGroups: new Set(),
      requestErrors: new Set(),
      context,
    };

    this.noteIgnoredIds(batch, queue);
    const pending: PendingEntry[] = [];
    batch.records.forEach((record, index) => {
      const mapped = mapRecord(record, queue, this.config);
      if (mapped.ok) pending.push({ ...mapped.mapped, index });
      else run.results[index] = { ok: false, error: mapped.error };
    });

    const requests = planRequests(pending, {
      maxEntries: MAX_BATCH_ENTRIES,
      maxBytes: this.config.maxBatchBytes,
    });
    await runInGroupOrder(requests, groupsOf, (entries) => this.sendRequest(run, entries));

    const results = run.results.map(
      (result): RecordResult =>
        result ?? {
          ok: false,
          error: new OutboundError("INTERNAL", "no result was recorded for this message", {
            transport: "sqs",
            kind: "unknown-outcome",
          }),
        },
    );
    return rejectIfWholeRequestFailed(results, run.requestErrors);
  }

  async close(): Promise<void> {
    if (!this.state.close()) return;
    if (this.client !== this.givenClient) this.client?.destroy();
    this.client = undefined;
  }

  describe(): string {
    return describeSqsConfig(this.config);
  }

  /**
   * Standard queues cannot deduplicate (MessageDeduplicationId is a FIFO-only parameter), so an
   * `id` has nowhere to go. Say so once per queue rather than drop it without a word.
   */
  private noteIgnoredIds(batch: RecordBatch, queue: QueueInfo): void {
    if (queue.fifo || this.warnedIdQueues.has(queue.url)) return;
    if (!batch.records.some((r) => r.id !== undefined)) return;
    this.warnedIdQueues.add(queue.url);
    this.logger.warn(
      { transport: "sqs", queue: queue.name },
      `message ids are not sent to standard queue "${queue.name}": SQS deduplicates only on FIFO queues`,
    );
  }

  /** Sends one SendMessageBatch request and records a result for each of its entries. */
  private async sendRequest(run: SendRun, entries: PendingEntry[]): Promise<void> {
    const sendable = entries.filter((entry) => {
      if (entry.groupId === undefined || !run.stoppedGroups.has(entry.groupId)) return true;
      run.results[entry.index] = { ok: false, error: heldBack(run.queue.name, entry.groupId) };
      return false;
    });
    if (sendable.length === 0) return;

    let answer: SendMessageBatchCommandOutput;
    try {
      answer = await this.sqs().send(
        new SendMessageBatchCommand({ QueueUrl: run.queue.url, Entries: sendable.map(toRequestEntry) }),
        { abortSignal: run.signal },
      );
    } catch (cause) {
      const error = classifyRequestError(cause, {
        action: `SendMessageBatch to "${run.queue.name}"`,
        aborted: run.signal.aborted,
        secrets: this.secrets(),
      });
      if (error.code === "UNKNOWN_DESTINATION") this.queues.forget(run.topic);
      // As for a refused entry below: the cached FIFO attributes may be stale.
      if (run.queue.fifo && isContentRejection(error)) this.queues.forget(run.topic);
      if (sendable.length > 1 && isContentRejection(error)) {
        // SQS refused the request for one entry's content; alone, each entry gets its own answer.
        this.logger.debug(
          { transport: "sqs", queue: run.queue.name, brokerCode: error.brokerCode },
          "isolating entries",
        );
        await runInGroupOrder(
          sendable.map((entry) => [entry]),
          groupsOf,
          (single) => this.sendRequest(run, single),
        );
        return;
      }
      run.requestErrors.add(error);
      for (const entry of sendable) {
        run.results[entry.index] = { ok: false, error };
        if (entry.groupId !== undefined && error.kind !== "terminal") run.stoppedGroups.add(entry.groupId);
      }
      return;
    }

    const byId = new Map(sendable.map((entry) => [String(entry.index), entry]));
    for (const success of answer.Successful ?? []) {
      const entry = byId.get(success.Id ?? "");
      if (!entry) continue;
      byId.delete(success.Id!);
      const result: RecordResult = {
        ok: true,
        partition: 0,
        messageId: success.MessageId,
        // FIFO queues number messages per group; that is the closest thing SQS has to an offset.
        ...(success.SequenceNumber ? { offset: success.SequenceNumber } : {}),
        acknowledged: true,
      };
      run.results[entry.index] = result;
      run.context.recordSettled?.(entry.index, result);
    }
    for (const failure of answer.Failed ?? []) {
      const entry = byId.get(failure.Id ?? "");
      if (!entry) continue;
      byId.delete(failure.Id!);
      const error = classifyEntryFailure(failure, run.queue.name);
      run.results[entry.index] = { ok: false, error };
      // Mapping checked this entry against the cached queue attributes; SQS disagreeing means
      // they may have changed (content-based deduplication switched off), so read them again.
      if (run.queue.fifo && failure.SenderFault) this.queues.forget(run.topic);
      if (entry.groupId !== undefined && error.kind !== "terminal") run.stoppedGroups.add(entry.groupId);
    }
    for (const entry of byId.values()) {
      // SQS answered without mentioning the entry: it may or may not hold it.
      run.results[entry.index] = {
        ok: false,
        error: new OutboundError(
          "PROTOCOL_ERROR",
          `SendMessageBatch to "${run.queue.name}" returned no result for an entry`,
          {
            transport: "sqs",
            kind: "unknown-outcome",
          },
        ),
      };
      if (entry.groupId !== undefined) run.stoppedGroups.add(entry.groupId);
    }
  }

  private sqs(): SQSClient {
    this.state.check();
    if (!this.client && this.givenClient) this.client = this.givenClient;
    if (!this.client) {
      const { credentials } = this.config;
      this.client = new SQSClient({
        region: this.config.region,
        ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
        ...(credentials instanceof RedactedCredentials
          ? { credentials: async () => credentials.identity() }
          : credentials
            ? { credentials }
            : {}),
        // The engine owns retries and their backoff; SDK retries would multiply them.
        maxAttempts: 1,
        requestHandler: {
          requestTimeout: this.config.requestTimeoutMs,
          connectionTimeout: this.config.connectionTimeoutMs,
          // Without it the handler only logs a warning when requestTimeout passes.
          throwOnRequestTimeout: true,
        },
      });
    }
    return this.client;
  }

  private secrets(): readonly string[] {
    const { credentials } = this.config;
    return credentials instanceof RedactedCredentials ? credentials.secrets() : [];
  }
}

function toRequestEntry(entry: PendingEntry): SendMessageBatchRequestEntry {
  return { Id: String(entry.index), ...entry.entry };
}

function groupsOf(entries: readonly PendingEntry[]): ReadonlySet<string> {
  const groups = new Set<string>();
  for (const entry of entries) if (entry.groupId !== undefined) groups.add(entry.groupId);
  return groups;
}

function heldBack(queue: string, group: string): OutboundError {
  return new OutboundError(
    "BROKER_UNAVAILABLE",
    `held back on FIFO queue "${queue}": an earlier message of group "${group}" is not confirmed, and sending this one first would break the group's order`,
    { transport: "sqs", kind: "retriable" },
  );
}

/** Waits for `work` unless `signal` aborts first; nothing was written yet, so a retry is safe. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () =>
    new OutboundError("TIMEOUT", "gave up waiting for the queue lookup; nothing was sent", {
      transport: "sqs",
      kind: "retriable",
    });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A send whose every record failed with one whole-request error rejects with that error, as the
 * Transport contract asks; a mixed outcome returns per-record results so no success is hidden.
 */
function rejectIfWholeRequestFailed(
  results: RecordResult[],
  requestErrors: Set<OutboundError>,
): RecordResult[] {
  if (requestErrors.size !== 1 || results.length === 0) return results;
  const [only] = requestErrors;
  if (results.every((r) => !r.ok && r.error === only)) throw only;
  return results;
}
