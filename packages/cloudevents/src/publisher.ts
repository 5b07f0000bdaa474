import {
  type DeliveryReport,
  OutboundError,
  type Producer,
  resolveSerializer,
  type SendSettled,
  type SerializerSpec,
  toOutboundError,
} from "@outbound/core";
import { type Binding, type BindingName, bindingFor } from "./binding.js";
import {
  type AttributeOverflow,
  type ContentMode,
  type EncodedEvent,
  encodeCloudEvent,
  type MessageOptions,
} from "./encode.js";
import type { CloudEventInput } from "./event.js";

export interface CloudEventsOptions {
  /** Default `binary`. */
  mode?: ContentMode;
  /** Overrides the binding chosen from `producer.transportName`; needed for a third-party transport. */
  binding?: BindingName;
  /** Whether `partitionkey` becomes the message key when `send` gets no `key`. Default true. */
  partitionKeyAsKey?: boolean;
  /**
   * Where the transport limits headers (SQS: 8, its 10 message attributes less Outbound's two): an
   * event whose binary form needs more is refused with `INVALID_MESSAGE` (`refuse`, the default)
   * or sent in structured mode (`structured`).
   */
  attributeOverflow?: AttributeOverflow;
  /**
   * The content type of the producer's serializer, when it cannot be read from
   * `producer.describeConfig()` (a serializer that is a class instance).
   */
  serializerContentType?: string;
}

/** Sends CloudEvents through one producer. */
export interface CloudEventsProducer {
  readonly binding: Binding;
  readonly mode: ContentMode;
  /** The message an event becomes, without sending it; throws `INVALID_MESSAGE` for a bad event. */
  encode(topic: string, event: CloudEventInput, message?: MessageOptions): EncodedEvent;
  /**
   * Sends one event; resolves as `producer.send()` does. An invalid event rejects with
   * `INVALID_MESSAGE` naming the attribute, before anything is sent. Never throws synchronously.
   */
  send(topic: string, event: CloudEventInput, message?: MessageOptions): Promise<DeliveryReport>;
  /** One settled result per event, in order: an invalid event fails alone, the others are sent. */
  sendMany(
    topic: string,
    events: readonly CloudEventInput[],
    message?: MessageOptions,
  ): Promise<SendSettled[]>;
}

/**
 * CloudEvents over `producer`, in the protocol binding of its transport (Kafka `ce_` headers,
 * AMQP `cloudEvents:` headers, ...): switching brokers stays a change of the producer's config.
 *
 * ```ts
 * const events = cloudEvents(createProducer({ url: "kafka://127.0.0.1:9092" }));
 * await events.send("orders", { specversion: "1.0", id: "o-1", source: "/shop", type: "order.created", data });
 * ```
 */
export function cloudEvents(producer: Producer, options: CloudEventsOptions = {}): CloudEventsProducer {
  const transport = producer.transportName;
  const binding = bindingFor(transport, options.binding);
  const mode = options.mode ?? "binary";
  const encodeOptions = {
    binding,
    mode,
    serializerContentType: options.serializerContentType ?? serializerContentTypeOf(producer),
    partitionKeyAsKey: options.partitionKeyAsKey ?? true,
    attributeOverflow: options.attributeOverflow ?? "refuse",
    transport,
  };

  // The transport's own header limit once the producer has connected; the binding's until then.
  const encode = (topic: string, event: CloudEventInput, message?: MessageOptions) =>
    encodeCloudEvent(
      topic,
      event,
      { ...encodeOptions, maxHeaders: producer.capabilities?.headers.maxCount ?? binding.maxHeaders },
      message,
    );

  const send = (topic: string, event: CloudEventInput, message?: MessageOptions): Promise<DeliveryReport> => {
    let encoded: EncodedEvent;
    try {
      encoded = encode(topic, event, message);
    } catch (error) {
      return Promise.reject(toOutboundError(error, "INVALID_MESSAGE", { transport }));
    }
    const contentType = encoded.serializedContentType;
    if (contentType === undefined) return producer.send(encoded.message);
    return producer.sendSerialized(encoded.message as Parameters<Producer["sendSerialized"]>[0], {
      contentType,
    });
  };

  return {
    binding,
    mode,
    encode,
    send,
    async sendMany(topic, events, message) {
      if (!Array.isArray(events)) {
        throw new OutboundError("INVALID_MESSAGE", "sendMany expects an array of CloudEvents", { transport });
      }
      const settled = await Promise.allSettled(events.map((event) => send(topic, event, message)));
      return settled.map((s) =>
        s.status === "fulfilled"
          ? { status: "fulfilled", value: s.value }
          : { status: "rejected", reason: toOutboundError(s.reason, "INTERNAL", { transport }) },
      );
    },
  };
}

/**
 * The content type the producer's serializer writes: a built-in by name, or a plain serializer
 * object's `contentType`, as `describeConfig()` shows them. Undefined when it cannot tell.
 */
function serializerContentTypeOf(producer: Producer): string | undefined {
  const spec = producer.describeConfig().serializer;
  if (typeof spec === "string") {
    try {
      return resolveSerializer(spec as SerializerSpec).contentType;
    } catch {
      return undefined;
    }
  }
  const contentType = (spec as { contentType?: unknown } | undefined)?.contentType;
  return typeof contentType === "string" ? contentType : undefined;
}
