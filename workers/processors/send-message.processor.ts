import { UnrecoverableError } from 'bullmq';
import { sendMessageJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/**
 * One send job joins the current batch (see `workers/send/send-pipeline.ts`). A refusal or a
 * client_generated_id reused for different content can never succeed, so it fails without retries;
 * its reason is JSON the api turns into the HTTP answer.
 */
export const sendMessageProcessor = defineProcessor(sendMessageJob, async (data, deps, job) => {
  const outcome = await deps.sendBatcher.submit({ request: data, retry: job.attemptsMade > 0 });
  if (outcome.kind === 'refused') throw new UnrecoverableError(JSON.stringify(outcome.refusal));
  if (outcome.kind === 'conflict') {
    throw new UnrecoverableError(JSON.stringify({ status: 409, code: 'client_generated_id_reused', message: 'This client_generated_id was used for a different message' }));
  }
  return { status: outcome.kind, message: outcome.message };
});
