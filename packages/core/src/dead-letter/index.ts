export { fileDeadLetterSink } from "./file-sink.js";
export { DEAD_LETTER_HEADERS } from "./headers.js";
export { type DeadLetterOptions, defaultDeadLetterPredicate } from "./options.js";
export { type DeadLetterTopic, deadLetterHeaders, producerDeadLetterSink } from "./producer-sink.js";
export type { DeadLetterEntry, DeadLetterSink } from "./sink.js";
