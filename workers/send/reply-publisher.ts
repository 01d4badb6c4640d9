import type { Redis } from 'ioredis';
import type { SendReplies } from '../../shared/contracts/send-replies.ts';
import { publishMany } from '../../shared/redis/pubsub.ts';

type Reply = SendReplies['replies'][number];

/**
 * The worker's answers to the api processes (shared/contracts/send-replies.ts): the replies added in
 * one turn of the event loop, by every job, go out together — one message per job on its api's
 * channel, all in one round trip. The sends of one persist batch come from many jobs and settle
 * together, so this is one write to Redis per batch instead of one per job.
 */
export class ReplyPublisher {
  /** Per channel, per job: the replies waiting for the next flush. */
  private waiting = new Map<string, Map<string, Reply[]>>();
  private flushed: Promise<void> | null = null;

  constructor(private readonly redis: Redis) {}

  /** Resolves once the reply is published; rejects when publishing failed (the api then answers 202 queued). */
  add(channel: string, jobId: string, reply: Reply): Promise<void> {
    const jobs = this.waiting.get(channel) ?? new Map<string, Reply[]>();
    this.waiting.set(channel, jobs);
    const replies = jobs.get(jobId) ?? [];
    jobs.set(jobId, replies);
    replies.push(reply);
    this.flushed ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushed;
  }

  private async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = new Map();
    this.flushed = null;
    const messages = [...waiting].flatMap(([channel, jobs]) =>
      [...jobs].map(([jobId, replies]) => ({ channel, message: JSON.stringify({ job_id: jobId, replies } satisfies SendReplies) })),
    );
    await publishMany(this.redis, messages);
  }
}
