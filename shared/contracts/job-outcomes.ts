import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';

/**
 * How a worker refuses a job for good (a gate said no), and how the api reads it back: a declared
 * shape, not a string to guess at. BullMQ carries a failure only as its error message, so the
 * refusal travels as that message — a fixed prefix and the JSON of this schema — written by
 * `JobRefusedError` and read by `readRefusal`, both here.
 */
export const JobRefusal = z.object({
  status: z.union([z.literal(400), z.literal(403), z.literal(404), z.literal(409)]),
  code: z.string().min(1),
  message: z.string(),
  /** Extra facts for the client, answered as the error's `details` (a moderation denial's `reason`). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type JobRefusal = z.infer<typeof JobRefusal>;

/** A client_generated_id its sender already used for other content: retrying can never store it. */
export const CLIENT_ID_REUSED: JobRefusal = { status: 409, code: 'client_generated_id_reused', message: 'This client_generated_id was used for a different message' };

/** A value PostgreSQL refuses as data (shared/db/pg-errors.ts `isDataError`): it fails the same way every time. */
export const UNSTORABLE_INPUT: JobRefusal = { status: 400, code: 'invalid_input', message: 'The request holds a value the database cannot store' };

const PREFIX = 'refused:';

/** A refusal: BullMQ does not retry it (it is an UnrecoverableError) and the api answers it as its 4xx. */
export class JobRefusedError extends UnrecoverableError {
  constructor(readonly refusal: JobRefusal) {
    super(PREFIX + JSON.stringify(JobRefusal.parse(refusal)));
    this.name = 'JobRefusedError';
  }
}

/** The refusal a failed job carries, or null when it failed for another reason. */
export function readRefusal(failedReason: string): JobRefusal | null {
  if (!failedReason.startsWith(PREFIX)) return null;
  try {
    const parsed = JobRefusal.safeParse(JSON.parse(failedReason.slice(PREFIX.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
