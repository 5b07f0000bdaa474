/**
 * Header that carries the serializer's content type on brokers without a content-type field of
 * their own (Kafka record headers, SQS message attributes, Pulsar properties). Lower case, as
 * HTTP/2 and most clients write it.
 */
export const CONTENT_TYPE_HEADER = "content-type";
