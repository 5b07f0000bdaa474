import type { EventEmitter } from "node:events";
import type { Logger } from "../logging/index.js";

/** Where the engine called user code that threw; the `callback` field of a `callbackError` event. */
export type CallbackSite =
  | "ack listener"
  | "failure listener"
  | "retry listener"
  | "backpressure listener"
  | "logger"
  | "deadLetter.when"
  | "telemetry"
  | "send callback";

/** What a `callbackError` listener receives. */
export interface CallbackError {
  callback: CallbackSite;
  error: unknown;
}

/**
 * Runs user code that the engine calls on its own schedule (event listeners, the logger, the
 * dead-letter predicate, the OpenTelemetry SDK) so that a throw never changes a message's fate:
 * it cannot skip a settlement, reach a transport as a send failure or kill the process. Every
 * throw is counted (`metrics().callbackErrors`), logged at error level and emitted once as a
 * `callbackError` event: the one channel where they are reported.
 */
export class UserCode {
  errors = 0;
  /** The user's logger with each method contained; what the engine and transports log through. */
  readonly logger: Logger;
  private reporting = false;

  constructor(
    private readonly emitter: EventEmitter,
    private readonly userLogger: Logger,
  ) {
    const call =
      (level: keyof Logger) =>
      (obj: unknown, msg?: string): void => {
        try {
          userLogger[level](obj, msg);
        } catch (error) {
          this.threw("logger", error);
        }
      };
    this.logger = { debug: call("debug"), info: call("info"), warn: call("warn"), error: call("error") };
  }

  /**
   * Calls each listener of `event` in turn; one that throws does not keep the next from running.
   * `rawListeners` keeps `once` wrappers, so a `once` listener still removes itself.
   */
  emit(event: string, payload: unknown, site: CallbackSite): void {
    for (const listener of this.emitter.rawListeners(event) as ((payload: unknown) => void)[]) {
      try {
        listener.call(this.emitter, payload);
      } catch (error) {
        this.threw(site, error);
      }
    }
  }

  /** Runs `fn`; a throw is reported and `fallback` returned instead. */
  run<T>(site: CallbackSite, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      this.threw(site, error);
      return fallback;
    }
  }

  threw(site: CallbackSite, error: unknown): void {
    this.errors++;
    // A logger or callbackError listener that throws while reporting must not recurse.
    if (this.reporting) return;
    this.reporting = true;
    try {
      if (site !== "logger") {
        try {
          this.userLogger.error(
            { callback: site, error: String(error) },
            `${site} threw; the message's outcome is unchanged`,
          );
        } catch {
          this.errors++;
        }
      }
      const report: CallbackError = { callback: site, error };
      for (const listener of this.emitter.rawListeners("callbackError") as ((e: CallbackError) => void)[]) {
        try {
          listener.call(this.emitter, report);
        } catch {
          this.errors++;
        }
      }
    } finally {
      this.reporting = false;
    }
  }
}
