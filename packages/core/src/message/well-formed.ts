/**
 * Whether a string survives UTF-8 encoding unchanged: false when it holds a lone UTF-16
 * surrogate, which `TextEncoder` and `Buffer.from` replace with U+FFFD. Node 20+ has
 * `String.prototype.isWellFormed`; the ES2023 lib we compile against does not declare it.
 */
export const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();
