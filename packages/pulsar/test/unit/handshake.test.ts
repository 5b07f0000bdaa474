import { createServer, type Server, type Socket } from "node:net";
import { silentLogger } from "@outbound/core";
import { afterEach, describe, expect, it } from "vitest";
import { Connection } from "../../src/client/connection.js";
import { parseBrokerUrl } from "../../src/client/service-url.js";
import { CommandType, encodeCommand, type Frame, FrameDecoder } from "../../src/protocol/index.js";

// A scripted peer on 127.0.0.1 that answers the handshake byte-for-byte as the spec says. It
// checks what our CONNECT carries (the local broker has no token auth configured); it is not a
// stand-in for broker behaviour, which the broker tests cover.
let server: Server | undefined;
afterEach(() => server?.close());

function scriptedPeer(onFrame: (frame: Frame, socket: Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const peer = createServer((socket) => {
      const decoder = new FrameDecoder();
      socket.on("data", (chunk) => {
        for (const frame of decoder.push(chunk)) onFrame(frame, socket);
      });
    });
    server = peer;
    peer.listen(0, "127.0.0.1", () => resolve((peer.address() as { port: number }).port));
  });
}

function connection(port: number, token?: () => string) {
  const address = parseBrokerUrl(`pulsar://127.0.0.1:${port}`);
  return new Connection({
    physical: address,
    logical: address,
    token,
    tls: undefined,
    connectTimeoutMs: 2_000,
    operationTimeoutMs: 2_000,
    keepAliveIntervalMs: 60_000,
    clientVersion: "test",
    logger: silentLogger,
  });
}

describe("CONNECT handshake", () => {
  it("sends the token as auth_method_name token, honours max_message_size and answers PING", async () => {
    const seen: Frame["command"][] = [];
    const port = await scriptedPeer((frame, socket) => {
      seen.push(frame.command);
      if (frame.command.type === CommandType.CONNECT) {
        socket.write(
          encodeCommand({
            type: CommandType.CONNECTED,
            connected: { server_version: "peer", max_message_size: 1234 },
          }),
        );
        socket.write(encodeCommand({ type: CommandType.PING, ping: {} }));
      }
    });
    const conn = connection(port, () => "header.payload.sig");
    await conn.open();
    expect(conn.maxMessageSize).toBe(1234);
    await expect.poll(() => seen.map((c) => c.type)).toEqual([CommandType.CONNECT, CommandType.PONG]);
    const connect = seen[0]?.connect;
    expect(connect.auth_method_name).toBe("token");
    expect(Buffer.from(connect.auth_data).toString()).toBe("header.payload.sig");
    expect(connect.feature_flags.supports_partial_producer).toBe(true);
    conn.close();
  });

  it("fails the handshake with AUTH_FAILED when the peer answers ERROR AuthenticationError", async () => {
    const port = await scriptedPeer((frame, socket) => {
      if (frame.command.type === CommandType.CONNECT) {
        socket.write(
          encodeCommand({
            type: CommandType.ERROR,
            error: { request_id: 0, error: 3, message: "bad token" },
          }),
        );
      }
    });
    await expect(connection(port, () => "wrong").open()).rejects.toMatchObject({
      code: "AUTH_FAILED",
      kind: "terminal",
      message: expect.not.stringContaining("wrong"),
    });
  });

  it("fails with AUTH_FAILED when the token supplier throws or returns nothing", async () => {
    const port = await scriptedPeer(() => {});
    await expect(
      connection(port, () => {
        throw new Error("vault unreachable");
      }).open(),
    ).rejects.toMatchObject({ code: "AUTH_FAILED", message: expect.stringContaining("vault unreachable") });
    await expect(connection(port, () => "").open()).rejects.toMatchObject({ code: "AUTH_FAILED" });
  });

  it("fails with BROKER_UNAVAILABLE when nothing listens", async () => {
    const port = await scriptedPeer(() => {});
    server?.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(connection(port).open()).rejects.toMatchObject({
      code: "BROKER_UNAVAILABLE",
      kind: "retriable",
    });
  });
});
