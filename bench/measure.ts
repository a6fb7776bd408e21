import { readFileSync } from 'node:fs';

/** What one load run measured: throughput, latency percentiles (ms) and anything that failed. */
export interface Measured {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  failures: number;
  firstError?: string;
}

/** One timed slice of a load: every latency (ms), its length (s) and what failed. */
export interface Slice {
  latencies: number[];
  seconds: number;
  failures: number;
  firstError?: string;
}

/** Several slices of the same load (interleaved with another load's slices) as one measurement. */
export function combine(slices: Slice[]): Measured {
  return summarize(slices.flatMap((s) => s.latencies), slices.reduce((sum, s) => sum + s.seconds, 0),
    slices.reduce((sum, s) => sum + s.failures, 0), slices.find((s) => s.firstError)?.firstError);
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(latencies: number[], seconds: number, failures: number, firstError?: string): Measured {
  const sorted = Float64Array.from(latencies).sort();
  const values = Array.from(sorted);
  return {
    requests: values.length,
    rps: values.length / seconds,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    failures,
    firstError,
  };
}

/** Resident set size of a process in MB (VmRSS), or NaN once it is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every 100 ms until stopped; reports the peak. */
export function sampleRss(pid: number | undefined): { stop(): { peak: number; last: number } } {
  let peak = NaN;
  let last = NaN;
  const take = () => {
    if (pid === undefined) return;
    last = rssMb(pid);
    if (!(peak >= last)) peak = last;
  };
  take();
  const timer = setInterval(take, 100);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { peak, last };
    },
  };
}
