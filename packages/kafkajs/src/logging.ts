import type { Logger } from "@outbound/core";
import kafkajs, { type logCreator } from "kafkajs";

const { logLevel } = kafkajs;

/**
 * Routes kafkajs's log lines into Outbound's logger instead of kafkajs's console logger, which
 * would print to stdout. Outbound's default logger is silent, so kafkajs is silent by default.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      const text = `[kafkajs] ${message}`;
      switch (level) {
        case logLevel.ERROR:
          // kafkajs logs every failed request at error level; the engine decides what is an error.
          logger.warn(fields, text);
          break;
        case logLevel.WARN:
          logger.warn(fields, text);
          break;
        case logLevel.INFO:
          logger.info(fields, text);
          break;
        default:
          logger.debug(fields, text);
      }
    };
}
