import {
  type DeadLetterEntry,
  type DeadLetterSink,
  defaultDeadLetterPredicate,
  fileDeadLetterSink,
  producerDeadLetterSink,
} from "../dead-letter/index.js";
import { type DeadLetterOutcome, OutboundError, toOutboundError } from "../errors/index.js";
import type { OutboundMessage, OutboundRecord } from "../message/index.js";
import type { EngineContext } from "./context.js";
import type { Producer } from "./types.js";

/**
 * The dead-letter path: whether a failed message gets a copy (the user's predicate, contained),
 * writing it to the sink, and the error its `send()` then rejects with, which says where the copy
 * went or why it could not be written.
 */
export class DeadLetters {
  private readonly sink: DeadLetterSink | undefined;

  /** `self` is the producer a `deadLetter.topic` without its own producer is written through. */
  constructor(
    private readonly ctx: EngineContext,
    self: Producer,
  ) {
    const options = ctx.options.deadLetter;
    if (!options) this.sink = undefined;
    else if (options.sink) this.sink = options.sink;
    else if (options.file) this.sink = fileDeadLetterSink(options.file);
    else this.sink = producerDeadLetterSink(options.producer ?? self, options.topic!);
  }

  /** Whether any failure can be dead-lettered; the overload fast path skips building records if not. */
  get configured(): boolean {
    return this.sink !== undefined;
  }

  wanted(error: OutboundError, message: OutboundMessage): boolean {
    const options = this.ctx.options.deadLetter;
    if (!this.sink || !options) return false;
    try {
      return options.when ? options.when(error, message) === true : defaultDeadLetterPredicate(error);
    } catch (predicateError) {
      this.ctx.userCode.threw("deadLetter.when", predicateError);
      return false;
    }
  }

  /**
   * Writes the copy, then resolves with the error the caller's `send()` rejects with: the
   * original, saying where the copy went, or carrying the sink's own error as well.
   */
  write(
    message: OutboundMessage,
    record: OutboundRecord,
    error: OutboundError,
    attempts: number,
    firstFailureAt: number,
  ): Promise<OutboundError> {
    const ctx = this.ctx;
    const sink = this.sink!;
    ctx.outstanding.deadLettering++;
    const entry: DeadLetterEntry = {
      message,
      topic: record.topic,
      partition: ctx.connected?.caps.partitioned ? record.partition : undefined,
      key: record.key,
      value: record.value,
      headers: record.headers,
      contentType: record.contentType,
      error,
      attempts,
      firstFailureAt,
    };
    let written: Promise<string>;
    try {
      written = sink.write(entry);
    } catch (sinkError) {
      written = Promise.reject(sinkError);
    }
    return written
      .then(
        (destination) => {
          ctx.observe.deadLettered(record.topic, destination, error);
          return withDeadLetter(error, { destination }, `dead-lettered to ${destination}`);
        },
        (sinkError: unknown) => {
          const e = toOutboundError(sinkError, "INTERNAL", {
            context: `dead-letter write to ${sink.description} failed`,
          });
          ctx.observe.deadLetterFailed(record.topic, sink.description, e);
          return withDeadLetter(
            error,
            { error: e },
            `and the dead-letter write to ${sink.description} failed too: ${e.reason}`,
          );
        },
      )
      .finally(() => {
        ctx.outstanding.deadLettering--;
        ctx.outstanding.check();
      });
  }
}

/** The same error, saying what became of its dead-letter copy. */
function withDeadLetter(error: OutboundError, outcome: DeadLetterOutcome, note: string): OutboundError {
  return new OutboundError(error.code, `${error.reason} (${note})`, {
    kind: error.kind,
    transport: error.transport,
    brokerCode: error.brokerCode,
    details: error.details,
    cause: error,
    deadLetter: outcome,
  });
}
