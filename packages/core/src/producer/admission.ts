import { OutboundError, toOutboundError } from "../errors/index.js";
import type { DeliveryReport, OutboundMessage } from "../message/index.js";
import { bytesSerializer } from "../serializer/bytes.js";
import { jsonSerializer } from "../serializer/json.js";
import type { Accumulator } from "./accumulator.js";
import type { Connection } from "./connection.js";
import type { EngineContext } from "./context.js";
import type { DeadLetters } from "./dead-lettering.js";
import type { AdmittingEntry } from "./outstanding.js";
import { type DeliveryCallback, NO_HEADERS, type PendingRecord } from "./pending.js";
import type { Placement } from "./placement.js";
import { readMessage, readValue, serializeValue } from "./prepare.js";
import type { SendControls } from "./send-controls.js";
import type { Settlement } from "./settlement.js";
import type { SendOptions } from "./types.js";

/** `sendSerialized`: bytes that skip the serializer. */
export interface RawSend {
  contentType: string;
  deadLetterable: boolean;
}

/** A Uint8Array value under the default JSON serializer: its bytes go out as they are. */
const BYTES_UNDER_JSON: RawSend = { contentType: "application/octet-stream", deadLetterable: true };

/**
 * From `send()` to a lane: the message is read and checked once, serialized, placed on a
 * partition and given buffer space. The fast path does all of it synchronously; the slow path
 * waits for the connection, an async serializer, the topic's partition count or buffer space,
 * every wait inside the message's own delivery deadline and cancellable by a forced close.
 */
export class Admission {
  constructor(
    private readonly ctx: EngineContext,
    private readonly connection: Connection,
    private readonly placement: Placement,
    private readonly accumulator: Accumulator,
    private readonly settlement: Settlement,
    private readonly deadLetters: DeadLetters,
    private readonly controls: SendControls,
  ) {}

  /** `send()` never throws: whatever goes wrong, even inside the engine, rejects this message only. */
  send(message: OutboundMessage, raw: RawSend | undefined, options: unknown): Promise<DeliveryReport> {
    try {
      return this.admit(message, raw, false, this.ctx.clock.now(), undefined, options)!;
    } catch (error) {
      return this.settlement.refuse(message, undefined, error);
    }
  }

  /**
   * `produce()`: as `send()`, with the outcome given to `callback` instead of a promise. A message
   * that reaches a lane at once (the usual case) makes no promise at all.
   */
  produce(message: OutboundMessage, callback: DeliveryCallback, options: unknown): void {
    let outcome: Promise<DeliveryReport> | undefined;
    try {
      outcome = this.admit(message, undefined, false, this.ctx.clock.now(), callback, options);
    } catch (error) {
      outcome = this.settlement.refuse(message, undefined, error);
    }
    if (outcome === undefined) return;
    // The slow paths and refusals settle through a promise; the callback still runs once.
    const userCode = this.ctx.userCode;
    outcome.then(
      (report) => userCode.run("send callback", () => callback(undefined, report), undefined),
      (error: unknown) =>
        userCode.run(
          "send callback",
          () =>
            callback(toOutboundError(error, "INTERNAL", { transport: this.ctx.transportName }), undefined),
          undefined,
        ),
    );
  }

  /**
   * kafkajs users send Buffers: under the default JSON serializer bytes go out as bytes, never
   * as JSON's {"type":"Buffer","data":[...]} or a Uint8Array's {"0":120,...}.
   */
  rawFor(value: unknown): RawSend | undefined {
    return value instanceof Uint8Array && this.ctx.serializer === jsonSerializer
      ? BYTES_UNDER_JSON
      : undefined;
  }

  /**
   * Everything that can be done before the value is bytes, for a message `readMessage`
   * accepted: the broker's pause, the span and its trace context, and starting
   * serialization (synchronously when the serializer is synchronous, so a burst of sends fills
   * one batch). Returns the serialized value or its promise.
   */
  begin(record: PendingRecord, raw: RawSend | undefined, value: unknown): unknown {
    const ctx = this.ctx;
    const name = ctx.transportName;
    if (ctx.paused.paused && ctx.options.onBufferFull === "reject") {
      ctx.observe.pressureRefusal();
      throw new OutboundError(
        "BUFFER_FULL",
        `the broker asked producers to wait (${ctx.paused.reason ?? "paused"})`,
        {
          transport: name,
        },
      );
    }
    if (ctx.telemetry) {
      // Only a broker with a header limit needs the count, and only if there are headers at all.
      const max = ctx.connected!.caps.headers.maxCount;
      const given = max === undefined || record.headers === NO_HEADERS ? [] : Object.keys(record.headers);
      record.span = ctx.telemetry.startSend(record);
      const names = max === undefined || record.headers === NO_HEADERS ? [] : Object.keys(record.headers);
      if (max !== undefined && names.length > max) {
        const injected = names.filter((h) => !given.includes(h));
        throw new OutboundError(
          "INVALID_MESSAGE",
          `${names.length} headers, including the trace context (${injected.join(", ")}), exceed ${name}'s limit of ${max} per message`,
          { transport: name },
        );
      }
    }
    return raw ? value : serializeValue(ctx.serializer, record, value, name);
  }

  /**
   * Returns the send's promise, or `undefined` when `callback` will be told: the record went into
   * its lane, or it was refused. Throws only for what `send()` turns into a refusal.
   */
  private admit(
    message: OutboundMessage,
    raw: RawSend | undefined,
    accepted: boolean,
    startedAt: number,
    callback: DeliveryCallback | undefined,
    rawOptions: unknown,
  ): Promise<DeliveryReport> | undefined {
    const ctx = this.ctx;
    if (ctx.closing && !accepted) return Promise.reject(ctx.closedError());
    // Counted once, when first accepted, so that sent = acked + failed whatever fails next (bad
    // options, the connection); a send coming back after the connect was counted then and its
    // options were read then.
    if (!accepted) ctx.observe.accepted();
    const options =
      accepted || rawOptions === undefined
        ? (rawOptions as SendOptions | undefined)
        : this.controls.read(rawOptions);
    const connected = ctx.connected;
    if (!connected) return this.admitAfterConnect(message, raw, startedAt, options);
    let record: PendingRecord;
    let serialized: unknown;
    try {
      const value = readValue(message, ctx.transportName);
      raw ??= this.rawFor(value);
      // Under overload most sends are refused. When the value's bytes go out as they are and the
      // buffer cannot hold even them, refuse before building the record, span and serializer work.
      if (
        ctx.options.onBufferFull === "reject" &&
        !this.deadLetters.configured &&
        (raw !== undefined || ctx.serializer === bytesSerializer) &&
        value instanceof Uint8Array &&
        ctx.buffer.usedBytes + value.byteLength > ctx.buffer.maxBytes
      ) {
        return this.refusal(callback, message, undefined, this.bufferFull());
      }
      record = readMessage(
        message,
        connected.caps,
        ctx.transportName,
        raw ? raw.contentType : ctx.serializer.contentType,
        raw ? raw.deadLetterable : true,
        startedAt,
        ctx.clock,
      );
      serialized = this.begin(record, raw, value);
    } catch (error) {
      return this.refusal(callback, message, undefined, error);
    }
    const count = connected.partitionCache.cached(record.topic, startedAt);
    if (!(serialized instanceof Promise) && count !== undefined) {
      try {
        this.placement.place(record, serialized, count);
      } catch (error) {
        return this.refusal(callback, message, record, error);
      }
      if (ctx.buffer.tryReserve(record.sizeBytes)) return this.enter(record, callback, options);
      if (ctx.options.onBufferFull === "reject")
        return this.refusal(callback, message, record, this.bufferFull());
      return this.admitSlowly(record, true, undefined, options);
    }
    return this.admitSlowly(record, false, serialized, options);
  }

  /**
   * A send refused before it reached a lane: a `produce()` callback is told without a promise
   * (see `Settlement.refuseTo`); `send()` gets the rejected promise it returns.
   */
  private refusal(
    callback: DeliveryCallback | undefined,
    message: OutboundMessage,
    record: PendingRecord | undefined,
    error: unknown,
  ): Promise<DeliveryReport> | undefined {
    return callback
      ? this.settlement.refuseTo(callback, message, record, error)
      : this.settlement.refuse(message, record, error);
  }

  /** Into its lane: from here the record settles exactly once, through settlement. */
  private enter(
    record: PendingRecord,
    callback: DeliveryCallback | undefined,
    options: SendOptions | undefined,
  ): Promise<DeliveryReport> | undefined {
    let promise: Promise<DeliveryReport> | undefined;
    if (callback) record.callback(callback);
    else promise = record.promise();
    this.accumulator.enqueue(record);
    if (options) this.controls.watch(record, options);
    return promise;
  }

  /**
   * A send made before the first connect finished. It counts as accepted: flush() waits for it,
   * close() delivers it or returns it.
   */
  private async admitAfterConnect(
    message: OutboundMessage,
    raw: RawSend | undefined,
    startedAt: number,
    options: SendOptions | undefined,
  ): Promise<DeliveryReport> {
    const { cancelled, entry } = this.startWaiting(
      message,
      startedAt,
      "the connection to the broker",
      options,
    );
    try {
      await Promise.race([this.connection.connect(), cancelled]);
    } catch (error) {
      this.endWaiting(entry);
      const refused = this.settlement.refuse(message, undefined, error);
      this.ctx.outstanding.check();
      return refused;
    }
    this.endWaiting(entry);
    return this.admit(message, raw, true, startedAt, undefined, options)!;
  }

  /** The slow path: waits for the serializer, the topic's partition count or buffer space. */
  private async admitSlowly(
    record: PendingRecord,
    placed: boolean,
    serialized: unknown,
    options: SendOptions | undefined,
  ): Promise<DeliveryReport> {
    const message = record.message;
    const { cancelled, entry } = this.startWaiting(message, record.startedAt, "the serializer", options);
    try {
      if (!placed) {
        const value = await Promise.race([serialized, cancelled]);
        entry.waitingFor = `the partition count of ${record.topic}`;
        const deadline = record.startedAt + (options?.timeoutMs ?? this.ctx.deliveryTimeoutMs);
        const count = await Promise.race([
          this.ctx.connected!.partitionCache.get(record.topic, deadline),
          cancelled,
        ]);
        this.placement.place(record, value, count);
      }
      entry.waitingFor = "buffer space";
      await this.reserveBuffer(record.sizeBytes, cancelled);
    } catch (error) {
      this.endWaiting(entry);
      const refused = this.settlement.refuse(message, record, error);
      this.ctx.outstanding.check();
      return refused;
    }
    this.endWaiting(entry);
    return this.enter(record, undefined, options)!;
  }

  /**
   * Registers a send that is accepted but not yet in a lane, so flush() waits for it and a
   * forced close() can cancel it: `cancelled` rejects then. The caller ends the wait when done.
   */
  private startWaiting(
    message: OutboundMessage,
    startedAt: number,
    waitingFor: string,
    options: SendOptions | undefined,
  ): { cancelled: Promise<never>; entry: AdmittingEntry } {
    const ctx = this.ctx;
    let cancel: (e: OutboundError) => void = () => {};
    const cancelled = new Promise<never>((_, reject) => {
      cancel = reject;
    });
    cancelled.catch(() => undefined);
    const timeoutMs = options?.timeoutMs ?? ctx.deliveryTimeoutMs;
    const entry: AdmittingEntry = {
      message,
      reject: cancel,
      waitingFor,
      deadlineTimer: undefined,
      unwatch: undefined,
    };
    // Every phase before the lane (connect, serializer, partition lookup, buffer space) runs
    // inside the message's own deadline, whatever the transport's own timeouts are.
    entry.deadlineTimer = ctx.clock.setTimeout(
      () => cancel(this.notSentInTime(entry, startedAt, timeoutMs)),
      Math.max(0, Math.ceil(startedAt + timeoutMs - ctx.clock.now())),
    );
    entry.unwatch = this.controls.watchWaiting(options?.signal, cancel);
    ctx.outstanding.admitting.add(entry);
    return { cancelled, entry };
  }

  private endWaiting(entry: AdmittingEntry): void {
    this.ctx.clock.clearTimeout(entry.deadlineTimer);
    entry.unwatch?.();
    this.ctx.outstanding.admitting.delete(entry);
  }

  /** The deadline passed before the message reached a lane: nothing was sent. */
  private notSentInTime(entry: AdmittingEntry, startedAt: number, timeoutMs: number): OutboundError {
    const ctx = this.ctx;
    const waitingForConnect = entry.waitingFor === "the connection to the broker";
    const last = waitingForConnect ? this.connection.lastError : undefined;
    return new OutboundError(
      "TIMEOUT",
      `not sent within ${timeoutMs === ctx.deliveryTimeoutMs ? "deliveryTimeoutMs" : "the send's timeoutMs"} (${timeoutMs} ms, ${Math.round(ctx.clock.now() - startedAt)} ms elapsed): still waiting for ${entry.waitingFor}${last ? `; last connect error: ${last.reason}` : ""}; nothing was sent`,
      { transport: ctx.transportName, kind: "retriable", cause: last },
    );
  }

  /** Waits for buffer space per `onBufferFull`; gives the space back if close() cancels the wait. */
  private async reserveBuffer(bytes: number, cancelled: Promise<never>): Promise<void> {
    const ctx = this.ctx;
    if (ctx.buffer.tryReserve(bytes)) return;
    if (ctx.options.onBufferFull === "reject") throw this.bufferFull();
    ctx.observe.blocked();
    ctx.observe.backpressure(true, "buffer full");
    const reservation = ctx.buffer.reserve(bytes, ctx.options.maxBlockMs);
    try {
      await Promise.race([reservation, cancelled]);
    } catch (error) {
      reservation.then(
        () => ctx.buffer.release(bytes),
        () => undefined,
      );
      throw error;
    }
  }

  /**
   * BUFFER_FULL with `onBufferFull: "reject"`. Its stack is not captured: under overload this
   * error is made for most sends, and capturing a stack was the largest part of its cost.
   */
  private bufferFull(): OutboundError {
    const ctx = this.ctx;
    ctx.observe.pressureRefusal();
    ctx.observe.backpressure(true, "buffer full");
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new OutboundError(
        "BUFFER_FULL",
        `buffer full: ${ctx.buffer.usedBytes} of ${ctx.buffer.maxBytes} bytes in use (onBufferFull: "reject")`,
        { transport: ctx.transportName },
      );
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
