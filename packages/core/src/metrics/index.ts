export { LogHistogram } from "./histogram.js";
export type { PercentileSummary, ProducerMetrics } from "./metrics.js";
