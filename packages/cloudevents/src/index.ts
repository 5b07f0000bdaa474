/**
 * @outbound/cloudevents: CloudEvents 1.0 on every Outbound transport, in binary and structured
 * content mode, with each broker's protocol binding chosen from the producer. Start with
 * `cloudEvents(producer)`.
 */
export { BINDING_NAMES, BINDINGS, type Binding, type BindingName, bindingFor } from "./binding.js";
export { canonicalString } from "./canonical.js";
export { fromMessage, type ReceivedMessage } from "./decode.js";
export {
  type AttributeOverflow,
  type ContentMode,
  type EncodedEvent,
  type EncodeOptions,
  encodeCloudEvent,
  type MessageOptions,
} from "./encode.js";
export {
  type AttributeValue,
  type CloudEventInput,
  REQUIRED_ATTRIBUTES,
  type ValidEvent,
  validateEvent,
} from "./event.js";
export { isStructuredMediaType, STRUCTURED_CONTENT_TYPE } from "./media-type.js";
export { type CloudEventsOptions, type CloudEventsProducer, cloudEvents } from "./publisher.js";
