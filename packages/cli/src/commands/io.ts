import type { Readable } from "node:stream";

/** The streams a command uses, so tests can run one in-process with their own. */
export interface CommandIo {
  stdin: Readable;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}
