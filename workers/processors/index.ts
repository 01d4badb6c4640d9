import type { Processor } from '../processor.ts';
import { editMessageProcessor } from './edit-message.processor.ts';
import { liftMuteProcessor } from './lift-mute.processor.ts';
import { makeThumbnailsProcessor } from './make-thumbnails.processor.ts';
import { pingProcessor } from './ping.processor.ts';
import { reactProcessor } from './react.processor.ts';
import { recallMessageProcessor } from './recall-message.processor.ts';
import { reminderProcessor } from './reminder.processor.ts';
import { sendMessageProcessor } from './send-message.processor.ts';
import { sweepUploadsProcessor } from './sweep-uploads.processor.ts';

/** Every processor this worker runs. */
export const processors = [
  pingProcessor,
  sendMessageProcessor,
  recallMessageProcessor,
  reactProcessor,
  editMessageProcessor,
  liftMuteProcessor,
  reminderProcessor,
  sweepUploadsProcessor,
  makeThumbnailsProcessor,
] as readonly Processor[];
