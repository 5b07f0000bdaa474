import { monitorEventLoopDelay } from "node:perf_hooks";

/** What a measured phase cost the process: CPU, peak RSS, event-loop delay. */
export interface PhaseCost {
  cpuUs: number;
  peakRssBytes: number;
  rssGrowthBytes: number;
  /** Undefined when the loop never turned during the phase (everything ran in microtasks). */
  eventLoopP99Ms: number | undefined;
}

/**
 * Watches the process over one measured phase. RSS is sampled every 20 ms because
 * `resourceUsage().maxRSS` also counts warmup and module loading; the larger of both is reported.
 */
export function startSampler(): { stop(): PhaseCost } {
  const cpu0 = process.cpuUsage();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, 20);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  return {
    stop() {
      clearInterval(timer);
      loop.disable();
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      const cpu = process.cpuUsage(cpu0);
      return {
        cpuUs: cpu.user + cpu.system,
        peakRssBytes: peak,
        rssGrowthBytes: peak - rss0,
        eventLoopP99Ms: loop.count > 0 ? loop.percentile(99) / 1e6 : undefined,
      };
    },
  };
}
