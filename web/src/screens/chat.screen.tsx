import { useCallback, useEffect, useState } from 'preact/hooks';
import { Avatar, PresenceLabel } from '../components/avatar.tsx';
import { Composer, type MentionCandidate } from '../components/composer.tsx';
import { PinsPanel } from '../components/pins-panel.tsx';
import { TimelineView, TypingLine } from '../components/timeline-view.tsx';
import { navigate, onLinkClick } from '../lib/router.ts';
import { useStore } from '../lib/store.ts';
import { chatById, chats, chatTitle, openChatId } from '../state/chats.state.ts';
import { client } from '../state/client.ts';
import { presence, rememberUsers, typing } from '../state/people.state.ts';
import { groupChanged, me, scheduleRead } from '../state/session.state.ts';
import { openTimeline } from '../state/timeline.state.ts';
import type { Group, GroupMember, Message } from '../state/types.ts';

/** One chat: header, history, typing line and composer; a thread opens beside it (over it on a phone). */
export function ChatScreen({ chatId, threadRootId }: { chatId: string; threadRootId?: string }) {
  const profile = useStore(me);
  useStore(chats);
  const chat = chatById(chatId);
  const typingNow = useStore(typing).get(chatId);
  useStore(presence);
  const changed = useStore(groupChanged);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [group, setGroup] = useState<Group | null>(null);
  const [members, setMembers] = useState<readonly GroupMember[]>([]);
  const [readSeqAtOpen, setReadSeqAtOpen] = useState(0);
  const [showPins, setShowPins] = useState(false);
  const [, setClock] = useState(0);
  const groupId = chat?.group?.id;

  useEffect(() => {
    openChatId.set(chatId);
    setReplyTo(null);
    setError(null);
    void openTimeline(chatId);
    return () => {
      if (openChatId.get() === chatId) openChatId.set(null);
    };
  }, [chatId]);

  useEffect(() => {
    setReadSeqAtOpen(chatById(chatId)?.last_read_seq ?? 0);
  }, [chatId, chat !== undefined]);

  useEffect(() => {
    if (!groupId) {
      setGroup(null);
      setMembers([]);
      return;
    }
    let live = true;
    Promise.all([client.groups.get(groupId), client.groups.members(groupId, { limit: 100 })]).then(
      ([g, page]) => {
        if (!live) return;
        setGroup(g);
        setMembers(page.members);
        rememberUsers(page.members);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [groupId, changed && changed.groupId === groupId ? changed.at : 0]);

  // A mute ends by itself: look again when it is due.
  const myMember = members.find((m) => m.uid === profile?.uid);
  const mutedUntil = myMember?.muted_until ? Date.parse(myMember.muted_until) : 0;
  useEffect(() => {
    if (mutedUntil <= Date.now()) return;
    const timer = setTimeout(() => setClock((n) => n + 1), Math.min(mutedUntil - Date.now() + 500, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [mutedUntil]);

  const onSeen = useCallback((seq: number) => {
    if (document.visibilityState === 'visible') scheduleRead(chatId, seq);
  }, [chatId]);
  const openThread = useCallback((message: Message) => navigate({ name: 'chats', chatId, threadRootId: message.reply_root_id ?? message.id }), [chatId]);

  if (!profile) return null;
  const role = group?.my_role;
  const canModerate = role === 'owner' || role === 'manager';
  let disabledReason: string | null = null;
  if (mutedUntil > Date.now()) disabledReason = `You are muted in this group until ${new Date(mutedUntil).toLocaleString()}.`;
  else if (group?.mute_all && !canModerate) disabledReason = 'Only the owner and managers can write in this group right now.';

  const candidates: MentionCandidate[] = group
    ? members.filter((m) => m.uid !== profile.uid)
    : chat?.peer
      ? [{ uid: chat.peer.uid, username: chat.peer.username, nickname: chat.peer.nickname }]
      : [];
  const typists = [...(typingNow ?? new Map<string, number>())].filter(([uid, until]) => uid !== profile.uid && until > Date.now()).map(([uid]) => uid);
  const title = chatTitle(chat);

  const main = (
    <section class={`chat chat-main${showPins ? ' with-pins' : ''}`} aria-label={`Chat with ${title}`}>
      <header class="chat-header">
        <a href="/app/chats" class="btn small back-link" onClick={onLinkClick}>
          ← Chats
        </a>
        <Avatar name={title} fid={chat?.group?.avatar_fid ?? chat?.peer?.avatar_fid} presenceOf={chat?.peer?.uid} />
        <div class="grow">
          <h2>
            {title}
            {chat?.peer && <PresenceLabel uid={chat.peer.uid} />}
          </h2>
          {group && <span class="muted">{group.member_count} members</span>}
        </div>
        <button type="button" class="btn small" aria-pressed={showPins} onClick={() => setShowPins(!showPins)}>
          Pins
        </button>
        {groupId && (
          <a class="btn small" href={`/app/groups/${groupId}`} onClick={onLinkClick}>
            Group
          </a>
        )}
      </header>
      {showPins && <PinsPanel chatId={chatId} onError={setError} />}
      <TimelineView
        chatId={chatId}
        myUid={profile.uid}
        canModerate={canModerate}
        isDirect={chat?.kind === 'direct'}
        readSeqAtOpen={readSeqAtOpen}
        onReply={setReplyTo}
        onOpenThread={openThread}
        onError={setError}
        onSeen={onSeen}
      />
      <div>
        {error && (
          <p class="error-text" role="alert" style="padding:0 14px">
            {error}
          </p>
        )}
        <TypingLine uids={typists} />
      </div>
      <Composer chatId={chatId} disabledReason={disabledReason} members={candidates} replyTo={replyTo} onClearReply={() => setReplyTo(null)} />
    </section>
  );

  if (!threadRootId) return main;
  return (
    <div class="chat-with-thread">
      {main}
      <section class="chat thread" aria-label="Thread">
        <header class="chat-header">
          <h2 class="grow">Thread</h2>
          <a class="btn small" href={`/app/chats/${chatId}`} onClick={onLinkClick}>
            Close thread
          </a>
        </header>
        <TimelineView
          chatId={chatId}
          myUid={profile.uid}
          canModerate={canModerate}
          isDirect={false}
          readSeqAtOpen={Number.MAX_SAFE_INTEGER}
          threadRootId={threadRootId}
          onReply={setReplyTo}
          onError={setError}
          onSeen={onSeen}
        />
        <div />
        <Composer chatId={`${chatId}`} disabledReason={disabledReason} members={candidates} replyTo={null} threadRootId={threadRootId} onClearReply={() => undefined} label="Reply in thread" />
      </section>
    </div>
  );
}
