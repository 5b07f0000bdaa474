/** The pino and console shape: `logger.warn({ topic }, "retrying")` or `logger.warn("retrying")`. */
export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

const noop = () => {};

/** The default: Outbound says nothing unless given a logger. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
