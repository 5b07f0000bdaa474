/** The record header that carries the serializer's content type. */
export const CONTENT_TYPE_HEADER = "content-type";
/** The record header that carries a message's `id`, as the other transports' `message-id`. */
export const MESSAGE_ID_HEADER = "message-id";

/** Whether `headers` has `name`, compared case-insensitively as HTTP-style header names are. */
export function hasHeader(headers: object, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}
