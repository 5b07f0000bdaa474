import type { ProbedMessage } from "@outbound/contract";
import WebSocket from "ws";
import { endpoints } from "../../../tools/brokers/endpoints.mjs";
import { status } from "../../../tools/brokers/index.mjs";
import { pulsarAdmin } from "./admin.js";

/** Splits `name`, `tenant/ns/name` or `persistent://tenant/ns/name` into namespace and local name. */
export function splitTopic(topic: string): { namespace: string; name: string } {
  const rest = topic.replace(/^persistent:\/\//, "");
  const parts = rest.split("/");
  if (parts.length === 1) return { namespace: "public/default", name: rest };
  return { namespace: `${parts[0]}/${parts[1]}`, name: parts.slice(2).join("/") };
}

interface ReaderMessage {
  messageId: string;
  payload: string;
  properties?: Record<string, string>;
  /** ISO 8601. */
  publishTime?: string;
  /** ISO 8601; absent when the producer set no event time. */
  eventTime?: string;
  key?: string;
}

/**
 * Reads what Pulsar holds through its WebSocket reader API (`/ws/v2/reader/...`), served by the
 * broker's own Java client: a path that shares nothing with the binary-protocol client under
 * test. Partitioned topics are read partition by partition.
 */
export function createPulsarProbe(options: { httpUrl?: string; token?: string } = {}) {
  const httpUrl = options.httpUrl ?? endpoints().pulsarHttp;
  const wsUrl = httpUrl.replace(/^http/, "ws");
  const admin = pulsarAdmin(httpUrl, options.token);
  // A broker with authentication on wants the token on the WebSocket upgrade as on REST.
  const wsOptions = options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {};
  const sockets = new Set<WebSocket>();
  const created: { namespace: string; name: string }[] = [];

  /**
   * Reads one partition (or a non-partitioned topic) from the earliest message. The reader
   * reconnects when its socket fails before the read is over (a topic being unloaded or
   * reloaded refuses readers for a moment) and skips what it already returned.
   */
  function readPartition(
    namespace: string,
    localName: string,
    partition: number,
    sink: ProbedMessage[],
    done: () => boolean,
    onMessage: () => void,
  ): { stop(): void } {
    const seen = new Set<string>();
    let stopped = false;
    let socket: WebSocket | undefined;
    const open = () => {
      if (stopped) return;
      const current = new WebSocket(
        `${wsUrl}/ws/v2/reader/persistent/${namespace}/${localName}?messageId=earliest`,
        wsOptions,
      );
      socket = current;
      sockets.add(current);
      current.on("message", (data) => {
        if (done()) return;
        const message = JSON.parse(data.toString()) as ReaderMessage;
        current.send(JSON.stringify({ messageId: message.messageId }));
        const messageId = decodeReaderMessageId(message.messageId);
        if (seen.has(messageId)) return;
        seen.add(messageId);
        const headers: Record<string, string> = { ...(message.properties ?? {}) };
        const contentType = headers["content-type"];
        // messageId is Pulsar's `ledger:entry:partition:batchIndex`, the form the transport's
        // delivery reports use; Pulsar has no numeric offset. The timestamp is the event time
        // where the producer set one, else the publish time.
        sink.push({
          topic: `persistent://${namespace}/${localName}`,
          partition,
          ...(message.key !== undefined ? { key: new Uint8Array(Buffer.from(message.key)) } : {}),
          value: new Uint8Array(Buffer.from(message.payload, "base64")),
          headers,
          ...(contentType !== undefined ? { contentType } : {}),
          messageId,
          timestamp: Date.parse(message.eventTime ?? message.publishTime ?? ""),
        });
        onMessage();
      });
      current.on("error", () => {});
      current.on("close", () => {
        sockets.delete(current);
        if (!stopped) setTimeout(open, 500);
      });
    };
    open();
    return {
      stop() {
        stopped = true;
        socket?.close();
      },
    };
  }

  return {
    async createTopic(topic: string, createOptions: { partitions: number }): Promise<void> {
      const { namespace, name } = splitTopic(topic);
      created.push({ namespace, name });
      await admin.createTopic(namespace, name, createOptions.partitions > 1 ? createOptions.partitions : 0);
    },

    /**
     * Unloads every topic this probe created: the broker sends CLOSE_PRODUCER to their
     * producers, which must look the topic up again and re-create themselves. Topics, not the
     * namespace: unloading a namespace also unloads its system topics, whose reload takes
     * seconds on a busy machine. (A process restart is the separate restart test.)
     */
    async dropConnections(): Promise<void> {
      await Promise.all(
        created.map(({ namespace, name }) => admin.unloadTopic(namespace, name).catch(() => {})),
      );
    },

    /** Freezes the broker process (SIGSTOP) until the returned function resumes it (SIGCONT). */
    async stall(): Promise<() => Promise<void>> {
      const [row] = await status(["pulsar"]);
      const pid = row?.pid;
      if (!pid) throw new Error("cannot find the Pulsar process to stall");
      process.kill(pid, "SIGSTOP");
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        process.kill(pid, "SIGCONT");
      };
    },

    /**
     * Reads until `count` messages or `timeoutMs`. With `settleMs`, keeps reading that long
     * after `count` arrived and returns the extra messages too, so a test can see duplicates
     * without waiting out the whole timeout.
     */
    async read(
      topic: string,
      readOptions: { count: number; timeoutMs: number; settleMs?: number },
    ): Promise<ProbedMessage[]> {
      const { namespace, name } = splitTopic(topic);
      const partitions = await admin.partitions(namespace, name).catch(() => 0);
      const messages: ProbedMessage[] = [];
      const opened: { stop(): void }[] = [];
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(finish, readOptions.timeoutMs);
        const settleMs = readOptions.settleMs ?? 0;
        let settling = false;
        const done = () => settleMs === 0 && messages.length >= readOptions.count;
        const check = () => {
          if (messages.length < readOptions.count) return;
          if (settleMs === 0) finish();
          else if (!settling) {
            settling = true;
            setTimeout(finish, settleMs);
          }
        };
        if (readOptions.count <= 0) finish();
        if (partitions === 0) opened.push(readPartition(namespace, name, 0, messages, done, check));
        for (let p = 0; p < partitions; p++) {
          opened.push(readPartition(namespace, `${name}-partition-${p}`, p, messages, done, check));
        }
      });
      for (const reader of opened) reader.stop();
      return readOptions.settleMs ? messages : messages.slice(0, Math.max(readOptions.count, 0));
    },

    async close(): Promise<void> {
      for (const socket of sockets) socket.close();
      sockets.clear();
    },
  };
}

/**
 * The reader's message id is a base64 `MessageIdData`. Decoded here with a few lines of varint
 * reading rather than the transport's protobuf schema, so the probe stays independent of it.
 */
export function decodeReaderMessageId(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  const fields = new Map<number, bigint>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error("truncated message id");
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const tag = Number(varint());
    const wireType = tag & 7;
    if (wireType === 0) fields.set(tag >> 3, varint());
    else if (wireType === 2) offset += Number(varint());
    else break;
  }
  const signed32 = (value: bigint | undefined) =>
    value === undefined ? -1 : Number(BigInt.asIntN(32, value));
  return `${fields.get(1) ?? 0n}:${fields.get(2) ?? 0n}:${signed32(fields.get(3))}:${signed32(fields.get(4))}`;
}
