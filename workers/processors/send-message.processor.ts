import { CLIENT_ID_REUSED } from '../../shared/contracts/job-outcomes.ts';
import { sendMessageJob } from '../../shared/queues/contracts.ts';
import { defineProcessor, refuseJob } from '../processor.ts';
import { moderateSend } from '../send/moderation.ts';

/**
 * One send job asks the moderation hook (if any), then joins the current batch (see `workers/send/send-pipeline.ts`). A refusal or a
 * client_generated_id reused for different content can never succeed, so it fails without retries
 * with a declared refusal the api turns into the HTTP answer; a transient failure throws and retries.
 * Running it twice is harmless: the second run finds the message stored and answers it (its push
 * belongs to the first run's outbox row, delivered by that run or by the relay).
 */
export const sendMessageProcessor = defineProcessor(sendMessageJob, async (data, deps) => {
  const moderated = await moderateSend(deps, data);
  const outcome = await deps.sendBatcher.submit(moderated);
  if (outcome.kind === 'refused') return refuseJob(outcome.refusal);
  if (outcome.kind === 'conflict') return refuseJob(CLIENT_ID_REUSED);
  if (outcome.kind === 'failed') throw outcome.error;
  return { status: outcome.kind, message: outcome.message, ...(moderated.message !== data.message ? { replaced: true as const } : {}) };
});
