import { useEffect, useState } from 'preact/hooks';
import { useStore } from '../lib/store.ts';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import { displayName } from '../state/people.state.ts';
import { pinChanged } from '../state/session.state.ts';
import type { Message } from '../state/types.ts';
import { previewOf } from './message-body.tsx';

interface Pin {
  msg_id: string;
  by_uid: string;
  pinned_at: string;
  message: Message;
}

/** The chat's pinned messages, newest first, reloaded when someone pins or unpins; each can be unpinned. */
export function PinsPanel({ chatId, onError }: { chatId: string; onError: (text: string) => void }) {
  const [pins, setPins] = useState<readonly Pin[] | null>(null);
  const changed = useStore(pinChanged);
  const stamp = changed && changed.chatId === chatId ? changed.at : 0;

  useEffect(() => {
    let live = true;
    client.chats.pins(chatId).then(
      (answer) => live && setPins(answer.pins),
      (error: unknown) => live && onError(describeError(error)),
    );
    return () => {
      live = false;
    };
  }, [chatId, stamp]);

  const unpin = (msgId: string) => {
    client.chats.unpin(chatId, msgId).catch((error: unknown) => onError(describeError(error)));
  };

  return (
    <aside class="pins-panel" aria-label="Pinned messages">
      <h3>Pinned</h3>
      {pins === null && <p class="muted">Loading…</p>}
      {pins?.length === 0 && <p class="muted">Nothing is pinned in this chat.</p>}
      <ul>
        {pins?.map((pin) => (
          <li key={pin.msg_id} data-pin-msg-id={pin.msg_id}>
            <span class="grow">
              <strong>{displayName(pin.message.sender_uid)}:</strong> {previewOf(pin.message)}
            </span>
            <button type="button" class="btn small" onClick={() => unpin(pin.msg_id)} aria-label={`Unpin ${previewOf(pin.message)}`}>
              Unpin
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
