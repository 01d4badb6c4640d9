import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { httpMetrics } from './http.metrics.ts';
import { messageMetrics } from './message.metrics.ts';
import { pushMetrics } from './push.metrics.ts';
import { queueMetrics } from './queue.metrics.ts';
import { realtimeMetrics } from './realtime.metrics.ts';

export type MetricsRole = 'api' | 'workers' | 'realtime';

export interface MetricsOptions {
  /** Queues whose depth this process reports at scrape time. */
  queueDepthOf?: readonly Queue[];
  /** Node process metrics (CPU, memory, event loop lag, GC). Off only for in-process tests. */
  processMetrics?: boolean;
}

/**
 * Every Prometheus series of the product, in one registry per process, labelled with the role.
 * Each role is handed the whole set through its deps and increments what it produces; a series
 * with labels appears in `/metrics` once it has been observed. Names and meanings: README "Metrics".
 */
export function createMetrics(role: MetricsRole, options: MetricsOptions = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    http: httpMetrics(registry),
    queues: queueMetrics(registry, options.queueDepthOf),
    messages: messageMetrics(registry),
    realtime: realtimeMetrics(registry),
    push: pushMetrics(registry),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
