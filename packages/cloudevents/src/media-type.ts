/** The CloudEvents JSON event format's media type (structured content mode). */
export const STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";

/** `type/subtype` of a media type, lower-cased, without parameters. */
function essence(mediaType: string): string {
  return mediaType.split(";")[0]!.trim().toLowerCase();
}

/** Whether two media types name the same type (parameters such as `charset` aside). */
export function sameMediaType(a: string, b: string): boolean {
  return essence(a) === essence(b);
}

/** JSON-based media types: `application/json`, `text/json` and any `+json` suffix. */
export function isJsonMediaType(mediaType: string): boolean {
  const type = essence(mediaType);
  return type === "application/json" || type === "text/json" || type.endsWith("+json");
}

/** Whether the content type says the value is a structured-mode CloudEvent (any event format). */
export function isStructuredMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && essence(mediaType).startsWith("application/cloudevents");
}
