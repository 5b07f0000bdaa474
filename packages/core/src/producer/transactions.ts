import { OutboundError, toOutboundError } from "../errors/index.js";
import type { OutboundMessage, OutboundRecord } from "../message/index.js";
import type { Admission } from "./admission.js";
import type { Connection } from "./connection.js";
import type { EngineContext } from "./context.js";
import type { PendingRecord } from "./pending.js";
import type { Placement } from "./placement.js";
import { readMessage, readValue } from "./prepare.js";
import { TransactionRun } from "./transaction.js";
import type { ProducerTransaction } from "./types.js";

/**
 * `producer.transaction()`: one broker transaction at a time, in the order they were asked
 * for. Its messages are read, serialized and placed by the same admission steps as any send,
 * and counted and traced by the same metrics and spans (see {@link TransactionRun}).
 */
export class Transactions {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly connection: Connection,
    private readonly admission: Admission,
    private readonly placement: Placement,
  ) {}

  run<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    const run = this.chain.then(() => this.runOne(work));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runOne<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    const ctx = this.ctx;
    if (ctx.closing) throw ctx.closedError();
    await this.connection.connect();
    const { transport, caps } = ctx.connected!;
    if (!caps.transactions || !transport.transaction) {
      throw new OutboundError(
        "UNSUPPORTED_FEATURE",
        `transactions: not supported by ${transport.name} as configured`,
        {
          transport: transport.name,
          details: { option: "transaction" },
        },
      );
    }
    const run = new TransactionRun(
      await transport.transaction(),
      transport.name,
      (message) => this.prepare(message),
      {
        deliveryTimeoutMs: ctx.deliveryTimeoutMs,
        requestTimeoutMs: ctx.options.requestTimeoutMs,
        retry: ctx.options.retry,
      },
      ctx.clock,
      {
        accepted: () => ctx.observe.accepted(),
        settled: (record, report, error) => ctx.observe.transactionSettled(record, report, error),
      },
    );
    let result: T;
    try {
      result = await work(run.handle);
    } catch (error) {
      await run.abort(error);
      throw error;
    }
    await run.commit();
    return result;
  }

  /**
   * Checks, serializes and partitions a message for a transaction, outside the lanes. A message
   * refused here is counted and its span ended like any refused send (without a dead letter: the
   * transaction fails instead).
   */
  private async prepare(message: OutboundMessage): Promise<OutboundRecord> {
    const ctx = this.ctx;
    let record: PendingRecord | undefined;
    try {
      const value = readValue(message, ctx.transportName);
      const raw = this.admission.rawFor(value);
      record = readMessage(
        message,
        ctx.connected!.caps,
        ctx.transportName,
        raw ? raw.contentType : ctx.serializer.contentType,
        true,
        ctx.clock.now(),
        ctx.clock,
      );
      const serialized = await this.admission.begin(record, raw, value);
      const deadline = record.startedAt + ctx.deliveryTimeoutMs;
      const count = await ctx.connected!.partitionCache.get(record.topic, deadline);
      this.placement.place(record, serialized, count);
      return record;
    } catch (error) {
      const e = toOutboundError(error, "INTERNAL", { transport: ctx.transportName });
      ctx.observe.accepted();
      ctx.observe.refused(record, e);
      throw e;
    }
  }
}
