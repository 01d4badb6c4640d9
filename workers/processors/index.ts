import type { Processor } from '../processor.ts';
import { deliverWebhookProcessor } from './deliver-webhook.processor.ts';
import { editMessageProcessor } from './edit-message.processor.ts';
import { liftMuteProcessor } from './lift-mute.processor.ts';
import { makeThumbnailsProcessor } from './make-thumbnails.processor.ts';
import { pingProcessor } from './ping.processor.ts';
import { pushChatProcessor } from './push-chat.processor.ts';
import { pushDeliverProcessor } from './push-deliver.processor.ts';
import { pushNotificationProcessor } from './push-notification.processor.ts';
import { reactProcessor } from './react.processor.ts';
import { recallMessageProcessor } from './recall-message.processor.ts';
import { reminderProcessor } from './reminder.processor.ts';
import { sendBatchProcessor } from './send-batch.processor.ts';
import { sendMessageProcessor } from './send-message.processor.ts';
import { sweepUploadsProcessor } from './sweep-uploads.processor.ts';

/** Every processor this worker runs. */
export const processors = [
  pingProcessor,
  sendBatchProcessor,
  sendMessageProcessor,
  recallMessageProcessor,
  reactProcessor,
  editMessageProcessor,
  liftMuteProcessor,
  reminderProcessor,
  sweepUploadsProcessor,
  makeThumbnailsProcessor,
  pushChatProcessor,
  pushNotificationProcessor,
  pushDeliverProcessor,
  deliverWebhookProcessor,
] as readonly Processor[];
