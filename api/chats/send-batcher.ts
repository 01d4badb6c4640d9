import type { SettledSend } from '../../shared/contracts/send-replies.ts';
import { sendBatchJob, type JobData, type SendRequest } from '../../shared/queues/contracts.ts';
import { queueNameFor } from '../../shared/queues/layout.ts';
import { enqueue, layoutOf, type Queues } from '../../shared/queues/producer.ts';
import { DURABLE } from './run-job.ts';
import type { SendReplyListener } from './send-replies.ts';

type BatchSend = JobData<typeof sendBatchJob>['sends'][number];

/**
 * Retried like every durable job, but gone from Redis once done: each send's outcome went back on the
 * reply channel and the messages are in PostgreSQL, so a completed batch is of no further use, and
 * keeping them (every message's text, for an hour) would cost Redis memory and work on every
 * completion. Failed batches are kept, as every failed job is, for the queue board.
 */
const SEND_BATCH_JOB_OPTIONS = { ...DURABLE, removeOnComplete: true };

interface Gathering {
  sends: { send: BatchSend; enqueued(): void; failed(err: unknown): void }[];
  timer: NodeJS.Timeout;
  /** Its wait is over, but an enqueue of its partition is still on its way: it goes when that is done. */
  due: boolean;
}

export interface SendBatchOptions {
  /** Sends per job at most. */
  maxItems: number;
  /** How long the first send of a batch waits for others (longer while the batch before it is still being enqueued). */
  maxWaitMs: number;
  /** How long a send waits for its worker's answer, counted from its arrival. */
  replyWaitMs: number;
}

/**
 * Gathers the sends this api process accepts for chats of one queue partition into one `send-batch`
 * job (shared/queues/contracts.ts): up to `maxItems`, or `maxWaitMs` after the first — or, when the
 * batch before it is still being enqueued then, as soon as that one is in. One job, one enqueue and
 * one answer on the reply channel serve the whole batch instead of one of each per send; and as the
 * load (and with it the time an enqueue takes) grows, the batches grow instead of the jobs.
 */
export class SendBatcher {
  private readonly gathering = new Map<string, Gathering>();
  /** Enqueues on their way, per partition. */
  private readonly enqueuing = new Map<string, number>();

  constructor(
    private readonly queues: Queues,
    private readonly replies: SendReplyListener,
    private readonly options: SendBatchOptions,
  ) {}

  /**
   * Enqueues one send; resolves with its outcome, or null when the worker has not answered within the
   * wait (the send is stored in the queue and runs later). Rejects when it cannot be enqueued.
   */
  async send(request: SendRequest): Promise<SettledSend | null> {
    const { ref, outcome, cancel } = this.replies.expect(this.options.replyWaitMs);
    try {
      await new Promise<void>((enqueued, failed) => this.add({ send: { ...request, ref }, enqueued, failed }));
    } catch (err) {
      cancel();
      throw err;
    }
    return outcome;
  }

  /** Enqueues every batch still gathering now (the process is stopping). */
  flushAll(): void {
    for (const partition of [...this.gathering.keys()]) this.flush(partition);
  }

  private add(entry: Gathering['sends'][number]): void {
    const partition = queueNameFor(layoutOf(this.queues), sendBatchJob.queue, entry.send);
    let batch = this.gathering.get(partition);
    if (!batch) {
      batch = { sends: [], timer: setTimeout(() => this.waitOver(partition), this.options.maxWaitMs), due: false };
      this.gathering.set(partition, batch);
    }
    batch.sends.push(entry);
    if (batch.sends.length >= this.options.maxItems) this.flush(partition);
  }

  private waitOver(partition: string): void {
    const batch = this.gathering.get(partition);
    if (!batch) return;
    if ((this.enqueuing.get(partition) ?? 0) > 0) batch.due = true;
    else this.flush(partition);
  }

  private flush(partition: string): void {
    const batch = this.gathering.get(partition);
    if (!batch) return;
    this.gathering.delete(partition);
    clearTimeout(batch.timer);
    const sends = batch.sends.map((s) => s.send);
    const data = { chat_id: (sends[0] as BatchSend).chat_id, reply_to: this.replies.channel, sends };
    this.enqueuing.set(partition, (this.enqueuing.get(partition) ?? 0) + 1);
    enqueue(this.queues, sendBatchJob, data, SEND_BATCH_JOB_OPTIONS)
      .then(
        () => batch.sends.forEach((s) => s.enqueued()),
        (err: unknown) => batch.sends.forEach((s) => s.failed(err)),
      )
      .finally(() => {
        const left = (this.enqueuing.get(partition) ?? 1) - 1;
        if (left > 0) this.enqueuing.set(partition, left);
        else this.enqueuing.delete(partition);
        if (this.gathering.get(partition)?.due) this.flush(partition);
      });
  }
}
