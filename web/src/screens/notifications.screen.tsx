import { useEffect } from 'preact/hooks';
import { onLinkClick } from '../lib/router.ts';
import { useStore } from '../lib/store.ts';
import { markNotificationsSeen, notifications } from '../state/notifications.state.ts';
import { displayName } from '../state/people.state.ts';
import type { AppNotification } from '../state/types.ts';

/** Everything that happened to the user: requests, groups, mentions, reminders. */
export function NotificationsScreen() {
  const list = useStore(notifications);
  useEffect(() => markNotificationsSeen(), [list[0]?.id]);
  return (
    <main id="main" class="page">
      <h1>Notifications</h1>
      <ul class="list">
        {list.length === 0 && <li class="muted">Nothing yet.</li>}
        {list.map((item) => (
          <li key={item.id} data-notification={item.type}>
            <span class="grow">{describe(item)}</span>
            <time class="muted" dateTime={item.created_at}>
              {new Date(item.created_at).toLocaleString()}
            </time>
            {link(item)}
          </li>
        ))}
      </ul>
    </main>
  );
}

function field(item: AppNotification, name: string): string {
  const value = (item as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function describe(item: AppNotification): string {
  const by = (name: string) => (field(item, name) ? displayName(field(item, name)) : 'Someone');
  switch (item.type) {
    case 'friend_request':
      return `${by('from_uid')} wants to be your friend${field(item, 'apply_msg') ? `: “${field(item, 'apply_msg')}”` : ''}`;
    case 'friend_accepted':
      return `${by('uid')} is now your friend`;
    case 'added_to_group':
      return `${by('by_uid')} added you to a group`;
    case 'removed_from_group':
      return `${by('by_uid')} removed you from a group`;
    case 'join_request':
      return `${by('applicant_uid')} asks to join your group`;
    case 'join_approved':
      return 'Your request to join a group was approved';
    case 'join_rejected':
      return 'Your request to join a group was declined';
    case 'muted':
      return `You were muted in a group${field(item, 'until') ? ` until ${new Date(field(item, 'until')).toLocaleString()}` : ''}`;
    case 'unmuted':
      return 'You can write in a group again';
    case 'manager_changed':
      return (item as Record<string, unknown>).is_manager ? 'You are now a manager of a group' : 'You are no longer a manager of a group';
    case 'ownership_transferred':
      return `${by('from_uid')} made you the owner of a group`;
    case 'group_updated':
      return 'A group you are in was updated';
    case 'group_disbanded':
      return 'A group you were in was disbanded';
    case 'mention':
      return `${by('by_uid')} mentioned you`;
    case 'reminder':
      return `Reminder from ${by('by_uid')}: ${field(item, 'message')}`;
    case 'send_failed':
      return `A message was not sent (${field(item, 'code')})`;
    default:
      return item.type.replace(/_/g, ' ');
  }
}

function link(item: AppNotification) {
  const chatId = field(item, 'chat_id');
  if (chatId) {
    return (
      <a class="btn small" href={`/app/chats/${chatId}`} onClick={onLinkClick}>
        Open chat
      </a>
    );
  }
  const groupId = field(item, 'group_id');
  if (groupId && item.type !== 'group_disbanded' && item.type !== 'removed_from_group') {
    return (
      <a class="btn small" href={`/app/groups/${groupId}`} onClick={onLinkClick}>
        Open group
      </a>
    );
  }
  if (item.type === 'friend_request') {
    return (
      <a class="btn small" href="/app/friends" onClick={onLinkClick}>
        Answer
      </a>
    );
  }
  return null;
}
