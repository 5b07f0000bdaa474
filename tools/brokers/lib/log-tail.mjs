import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The last `lines` lines of a log file, read from its end so a large log costs little; "" when absent. */
export function logTail(file, lines = 40) {
  let fd;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer
      .toString("utf8")
      .split("\n")
      .slice(-lines - 1)
      .join("\n")
      .trimEnd();
  } finally {
    closeSync(fd);
  }
}
