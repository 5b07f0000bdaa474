import type { MessageAttributeValue } from "@aws-sdk/client-sqs";

/**
 * A message's size as SQS counts it against its limits: the body's UTF-8 bytes plus, for every
 * message attribute, the bytes of its name, its data type and its value.
 */
export function sqsMessageSize(body: string, attributes: Record<string, MessageAttributeValue>): number {
  let size = Buffer.byteLength(body, "utf8");
  for (const [name, value] of Object.entries(attributes)) size += attributeSize(name, value);
  return size;
}

export function attributeSize(name: string, value: MessageAttributeValue): number {
  let size = Buffer.byteLength(name, "utf8") + Buffer.byteLength(value.DataType ?? "", "utf8");
  if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue, "utf8");
  if (value.BinaryValue !== undefined) size += value.BinaryValue.byteLength;
  return size;
}

/** `1048576` -> `1 MiB`, `1258291` -> `1.2 MiB`, for error messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, "");
  return `${text} ${units[unit]}`;
}
