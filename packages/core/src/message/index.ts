export type { Acks, DeliveryReport, Headers, HeaderValue, OutboundMessage } from "./message.js";
export type { OutboundRecord, RecordBatch, RecordFailure, RecordResult, RecordSuccess } from "./record.js";
