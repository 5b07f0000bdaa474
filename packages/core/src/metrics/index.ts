export { LogHistogram } from "./histogram.js";
export { MetricsRecorder, type PercentileSummary, type ProducerMetrics } from "./metrics.js";
