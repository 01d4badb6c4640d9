import { encodeFrame, publishAll } from '../../shared/contracts/events.ts';
import { publishReadJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/** `on_read` to the reader's own devices (unread counts stay in step) and, in a direct chat, to the peer. */
export const publishReadProcessor = defineProcessor(publishReadJob, async (data, deps) => {
  const chat = await deps.userState.chat(data.chat_id);
  const peer = chat?.kind === 'direct' ? chat.directUids?.find((uid) => uid !== data.uid) : undefined;
  const frame = encodeFrame('on_read', { chat_id: data.chat_id, uid: data.uid, seq: data.seq });
  await publishAll(deps.redis, deps.keys, [data.uid, ...(peer ? [peer] : [])].map((uid) => ({ uid, frame })));
  return { published: true };
});
