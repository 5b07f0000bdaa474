import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
// kafkaLibDir() is where `pnpm brokers` put the Kafka jars (tools/brokers, typed by index.d.mts).
import { kafkaLibDir } from "../../brokers/index.mjs";

/**
 * Runs one of test/java/*.java with `java` (single-file source launch, Java 11+) against the
 * Kafka jars, feeding `stdin` and returning stdout. Rejects with stderr's tail on a non-zero exit.
 */
export function runJava(file: string, args: string[], stdin = ""): Promise<string> {
  const source = fileURLToPath(new URL(`../java/${file}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn("java", ["-cp", `${kafkaLibDir()}/*`, source, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${file} exited ${code}: ${stderr.slice(-2000)}`));
    });
    child.stdin.end(stdin, "utf8");
  });
}
