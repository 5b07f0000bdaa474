import { OutboundError } from "@outbound/core";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { check } from "./commands/check.js";
import type { CommandIo } from "./commands/io.js";
import { perf } from "./commands/perf.js";
import { produce } from "./commands/produce.js";
import { errorLine } from "./error-line.js";
import { FORMATS } from "./message-source.js";
import { EXIT, UsageError } from "./usage-error.js";
import {
  collectHeader,
  parseDuration,
  parseNonNegativeInteger,
  parsePositiveInteger,
  parseRate,
  parseSize,
} from "./values.js";

const VERSION = "0.1.0";

/** Errors of the config the command was given, not of the broker: exit 2 like a bad flag. */
const USAGE_CODES: ReadonlySet<string> = new Set([
  "INVALID_CONFIG",
  "UNKNOWN_TRANSPORT",
  "TRANSPORT_NOT_INSTALLED",
]);

/** The options every command takes to build its producer, the way the library takes config. */
function withConnection(command: Command): Command {
  return command
    .option(
      "--url <url>",
      "broker URL (kafka://, amqp://, sqs://, pulsar://, memory://); default OUTBOUND_URL",
    )
    .option("--config <file>", "JSON file of producer options, as createProducer takes them")
    .addOption(new Option("--acks <level>", "acknowledgment level").choices(["none", "leader", "all"]))
    .option("--transport <name>", "transport by name, where the URL scheme has several (kafkajs)");
}

/**
 * Runs the CLI and resolves with its exit status. Usage mistakes (a bad flag or value, an
 * invalid config) are one line on stderr and status 2; a failure of the broker or of messages is
 * status 1. Nothing here calls process.exit, so tests run it in-process.
 */
export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  let status: number = EXIT.ok;
  const program = new Command("outbound")
    .description("Produce to Kafka, RabbitMQ, SQS, Pulsar or the memory broker with one producer")
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's message already reads "error: ..."; one line, then the hint to --help.
      outputError: (text, write) =>
        write(
          `outbound: ${text
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")}\n`,
        ),
    })
    .showSuggestionAfterError(true);

  withConnection(
    program
      .command("produce")
      .description("send messages from stdin or files, printing each delivery report")
      .argument("[files...]", "input files; stdin when none")
      .requiredOption("--topic <topic>", "destination topic or queue")
      .option("--key <key>", "the same key for every message")
      .option("--key-field <path>", "take the key from this field of each JSON value (a.b for nested)")
      .option("--header <name=value>", "a header on every message (repeatable)", collectHeader)
      .option("--partition <n>", "send every message to this partition", parseNonNegativeInteger)
      .addOption(
        new Option("--format <format>", "jsonl/text/avro/protobuf: one message per line; json: one per file")
          .choices(FORMATS)
          .default("jsonl"),
      )
      .option("--schema <file>", "Avro .avsc or Protobuf .proto file, for --format avro|protobuf")
      .option("--message-type <name>", "the Protobuf message, fully qualified (shop.v1.Order)")
      .option("--quiet", "print only the summary")
      .option("--json", "print each delivery report as a JSON line")
      .option(
        "--close-timeout <duration>",
        "how long to wait for what is buffered at the end or on Ctrl-C",
        parseDuration,
        10_000,
      )
      .option("--window <n>", "most messages sent and not yet reported", parsePositiveInteger, 10_000),
  ).action(async (files: string[], options) => {
    if (options.key !== undefined && options.keyField !== undefined) {
      throw new UsageError("give --key or --key-field, not both");
    }
    status = await produce(files, options, io);
  });

  withConnection(
    program
      .command("perf")
      .description("send generated messages for a while and report rate and latency")
      .requiredOption("--topic <topic>", "destination topic or queue")
      .option("--size <bytes>", "value size (100, 1KiB, 1MiB)", parseSize, 100)
      .option(
        "--rate <n|max>",
        "messages per second, or max for as many as the producer takes",
        parseRate,
        "max",
      )
      .option("--duration <duration>", "how long to send (30s, 2m)", parseDuration, 30_000)
      .option("--keyed", "give messages keys, spread over --keys distinct values")
      .option("--keys <n>", "distinct keys with --keyed", parsePositiveInteger, 10_000)
      .option(
        "--partitions <n>",
        "spread keyless messages over partitions 0..n-1 (the topic must have them)",
        parsePositiveInteger,
      )
      .option("--interval <duration>", "how often the progress line updates", parseDuration, 1_000)
      .option("--json", "print the final figures as one JSON object, and no progress line")
      .option(
        "--close-timeout <duration>",
        "how long to wait for what is buffered at the end or on Ctrl-C",
        parseDuration,
        30_000,
      )
      .option("--window <n>", "most messages sent and not yet acknowledged", parsePositiveInteger, 10_000),
  ).action(async (options) => {
    if (options.size === 0) throw new UsageError("--size must be at least 1 byte");
    status = await perf(options, io);
  });

  withConnection(
    program
      .command("check")
      .description("connect, print the transport's characteristics and a topic's partition count")
      .option("--topic <topic>", "a topic or queue to look up")
      .option("--timeout <duration>", "how long to wait for the broker", parseDuration, 10_000)
      .option("--json", "print the result as one JSON object"),
  ).action(async (options) => {
    status = await check(options, io);
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; their text is already written.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof InvalidArgumentError) {
      io.stderr.write(`outbound: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof OutboundError && USAGE_CODES.has(error.code)) {
      io.stderr.write(`outbound: ${errorLine(error)}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`outbound: ${errorLine(error)}\n`);
    return EXIT.failed;
  }
}
