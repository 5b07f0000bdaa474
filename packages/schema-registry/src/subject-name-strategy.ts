/** What a subject-name strategy is given. */
export interface SubjectNameInput {
  topic: string;
  /** The fully qualified record or message name (`com.acme.Order`). */
  recordName: string;
  /** Outbound serializes values only; kept so custom strategies match Confluent's signature. */
  isKey: boolean;
}

/** Chooses the registry subject a schema is registered and looked up under. */
export type SubjectNameStrategy = (input: SubjectNameInput) => string;

/** Confluent's default: `<topic>-value`, one schema lineage per topic. */
export const topicNameStrategy: SubjectNameStrategy = ({ topic, isKey }) =>
  `${topic}-${isKey ? "key" : "value"}`;

/** `<fully qualified record name>`: one lineage per type, shared by every topic carrying it. */
export const recordNameStrategy: SubjectNameStrategy = ({ recordName }) => recordName;

/** `<topic>-<fully qualified record name>`: several types per topic, each with its own lineage. */
export const topicRecordNameStrategy: SubjectNameStrategy = ({ topic, recordName }) =>
  `${topic}-${recordName}`;

/** Strategy names the `subjectNameStrategy` option takes. */
export type SubjectNameStrategyName = "topic" | "record" | "topic-record";

export function resolveSubjectNameStrategy(
  spec: SubjectNameStrategyName | SubjectNameStrategy | undefined,
): SubjectNameStrategy {
  if (typeof spec === "function") return spec;
  switch (spec) {
    case undefined:
    case "topic":
      return topicNameStrategy;
    case "record":
      return recordNameStrategy;
    case "topic-record":
      return topicRecordNameStrategy;
  }
  throw new TypeError(
    `unknown subjectNameStrategy "${String(spec)}"; expected "topic", "record", "topic-record" or a function`,
  );
}
