import { OutboundError } from "@outbound/core";

/**
 * One line for an error: its code and message, the `[outbound]` prefix dropped and a config
 * error's list of problems joined, so a terminal or a log shows it whole.
 */
export function errorLine(error: unknown): string {
  if (error instanceof OutboundError) {
    const problems = (error.details as { problems?: unknown } | undefined)?.problems;
    const text = Array.isArray(problems)
      ? `invalid config: ${problems.join("; ")}`
      : `${error.transport ? `[${error.transport}] ` : ""}${error.reason}`.replace(/\s*\n\s*/g, " ");
    return `${error.code}: ${text}`;
  }
  return error instanceof Error ? error.message : String(error);
}
