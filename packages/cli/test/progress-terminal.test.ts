import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI_BIN } from "./run-cli.js";

/** tmux gives the CLI a real terminal and lets the test read the screen as a user sees it. */
function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
const session = `outbound-cli-${process.pid}`;

// .ci/run installs tmux; a developer machine without it skips this one test, and says so here.
describe.skipIf(!hasTmux())("perf's progress line on a terminal (tmux)", () => {
  it("is one line rewritten in place while it runs, and the summary stays after it", async () => {
    const command = `${process.execPath} ${CLI_BIN} perf --url memory:// --topic p --duration 3s --interval 200ms --rate 2000; sleep 30`;
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "20", command);
    try {
      const screen = () => tmux("capture-pane", "-p", "-t", session);
      const progressLines = (text: string) =>
        text.split("\n").filter((line) => /msg\/s {2}acked [\d,]+/.test(line));
      const ackedOf = (line: string) => Number(/acked ([\d,]+)/.exec(line)![1]!.replaceAll(",", ""));
      const waitFor = async (predicate: (text: string) => boolean, what: string) => {
        const until = performance.now() + 15_000;
        for (;;) {
          const text = screen();
          if (predicate(text)) return text;
          if (performance.now() > until) throw new Error(`${what} never appeared:\n${text}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const first = await waitFor(
        (t) => progressLines(t).length > 0 && ackedOf(progressLines(t)[0]!) > 0,
        "a progress line",
      );
      await new Promise((r) => setTimeout(r, 600));
      const later = screen();
      // Several updates later there is still exactly one progress line, and its count grew.
      expect(progressLines(later)).toHaveLength(1);
      expect(ackedOf(progressLines(later)[0]!)).toBeGreaterThan(ackedOf(progressLines(first)[0]!));
      const end = await waitFor((t) => /^throughput /m.test(t), "the summary");
      expect(progressLines(end)).toHaveLength(1);
      expect(end).toMatch(/^sent [\d,]+, acked [\d,]+, failed 0 in /m);
      expect(end).toMatch(/^latency ms: p50 /m);
    } finally {
      tmux("kill-session", "-t", session);
    }
  }, 40_000);
});
