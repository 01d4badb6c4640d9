import { setTimeout as sleep } from 'node:timers/promises';
import { pingJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/** Answers a ping so operators and tests can prove a job travels through Redis to a worker and back. */
export const pingProcessor = defineProcessor(pingJob, async (data) => {
  if (data.work_ms) await sleep(data.work_ms);
  return { sent_at: data.sent_at, worker_pid: process.pid };
});
