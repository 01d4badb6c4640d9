import { useEffect, useState } from 'preact/hooks';
import { Avatar, PresenceLabel } from '../components/avatar.tsx';
import { navigate } from '../lib/router.ts';
import { useStore } from '../lib/store.ts';
import { reloadChatsSoon } from '../state/chats.state.ts';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import { presence, rememberUsers } from '../state/people.state.ts';
import { notifications } from '../state/notifications.state.ts';
import type { Friend, FriendRequest, PublicUser } from '../state/types.ts';

type Block = Awaited<ReturnType<typeof client.friends.blocks>>['blocks'][number];

/** Friends, requests in and out, people search, and blocks. */
export function FriendsScreen() {
  const [friends, setFriends] = useState<readonly Friend[]>([]);
  const [incoming, setIncoming] = useState<readonly FriendRequest[]>([]);
  const [outgoing, setOutgoing] = useState<readonly FriendRequest[]>([]);
  const [blocks, setBlocks] = useState<readonly Block[]>([]);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly PublicUser[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  useStore(presence);
  const notes = useStore(notifications);

  const reload = async () => {
    const [f, i, o, b] = await Promise.all([client.friends.list(), client.friends.requests('incoming'), client.friends.requests('outgoing'), client.friends.blocks()]);
    setFriends(f.friends);
    setIncoming(i.requests);
    setOutgoing(o.requests);
    setBlocks(b.blocks);
    rememberUsers(f.friends);
  };
  // Friend requests and acceptances arrive as notifications: reload when one does.
  useEffect(() => {
    reload().catch((error: unknown) => setStatus(describeError(error)));
  }, [notes[0]?.id]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setStatus(done);
      await reload();
      reloadChatsSoon();
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const search = async (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return;
    try {
      setResults((await client.users.search(query.trim(), { limit: 20 })).users);
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const openChat = async (uid: string) => {
    try {
      const { chat_id } = await client.chats.direct(uid);
      reloadChatsSoon();
      navigate({ name: 'chats', chatId: chat_id });
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const friendIds = new Set(friends.map((f) => f.uid));
  const pendingIds = new Set(outgoing.map((r) => r.to_uid));

  return (
    <main id="main" class="page">
      <h1>Friends</h1>
      <p role="status" aria-live="polite" class="muted" data-status>
        {status}
      </p>

      <section aria-labelledby="find-people">
        <h2 id="find-people">Find people</h2>
        <form class="row" onSubmit={search} role="search">
          <label class="visually-hidden" for="user-search">
            Username starts with
          </label>
          <input id="user-search" type="search" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} placeholder="Username" maxLength={32} />
          <button class="btn primary" type="submit">
            Search
          </button>
        </form>
        {results && (
          <ul class="list" aria-label="Search results">
            {results.length === 0 && <li class="muted">Nobody found.</li>}
            {results.map((user) => (
              <li key={user.uid} data-user={user.username}>
                <Avatar name={user.nickname || user.username} fid={user.avatar_fid} />
                <span class="grow">
                  <strong>{user.nickname || user.username}</strong> <span class="muted">@{user.username}</span>
                </span>
                {friendIds.has(user.uid) ? (
                  <span class="tag">Friend</span>
                ) : pendingIds.has(user.uid) ? (
                  <span class="tag">Request sent</span>
                ) : (
                  <button type="button" class="btn small" onClick={() => act(() => client.friends.apply(user.uid), `Request sent to ${user.username}.`)}>
                    Add friend<span class="visually-hidden"> {user.username}</span>
                  </button>
                )}
                <button type="button" class="btn small danger" onClick={() => act(() => client.friends.block(user.uid), `${user.username} is blocked.`)}>
                  Block<span class="visually-hidden"> {user.username}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="incoming">
        <h2 id="incoming">Requests to you ({incoming.length})</h2>
        <ul class="list">
          {incoming.length === 0 && <li class="muted">None.</li>}
          {incoming.map((request) => (
            <li key={request.request_id} data-request-from={request.user?.username}>
              <span class="grow">
                <strong>{request.user?.nickname || request.user?.username}</strong>
                {request.apply_msg && <span class="muted"> — “{request.apply_msg}”</span>}
              </span>
              <button type="button" class="btn small primary" onClick={() => act(() => client.friends.accept(request.request_id), 'Request accepted.')}>
                Accept<span class="visually-hidden"> {request.user?.username}</span>
              </button>
              <button type="button" class="btn small" onClick={() => act(() => client.friends.reject(request.request_id), 'Request rejected.')}>
                Reject<span class="visually-hidden"> {request.user?.username}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="outgoing">
        <h2 id="outgoing">Your requests ({outgoing.length})</h2>
        <ul class="list">
          {outgoing.length === 0 && <li class="muted">None.</li>}
          {outgoing.map((request) => (
            <li key={request.request_id}>
              <span class="grow">{request.user?.nickname || request.user?.username}</span>
              <span class="tag">Waiting</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="my-friends">
        <h2 id="my-friends">Your friends ({friends.length})</h2>
        <ul class="list">
          {friends.length === 0 && <li class="muted">No friends yet: search above.</li>}
          {friends.map((friend) => (
            <li key={friend.uid} data-friend={friend.username}>
              <Avatar name={friend.nickname || friend.username} fid={friend.avatar_fid} presenceOf={friend.uid} />
              <span class="grow">
                <strong>{friend.nickname || friend.username}</strong>
                <PresenceLabel uid={friend.uid} /> <span class="muted">@{friend.username}</span>
              </span>
              <button type="button" class="btn small primary" onClick={() => openChat(friend.uid)}>
                Message<span class="visually-hidden"> {friend.username}</span>
              </button>
              <button type="button" class="btn small" onClick={() => act(() => client.friends.remove(friend.uid), `${friend.username} removed.`)}>
                Remove<span class="visually-hidden"> {friend.username}</span>
              </button>
              <button type="button" class="btn small danger" onClick={() => act(() => client.friends.block(friend.uid), `${friend.username} is blocked.`)}>
                Block<span class="visually-hidden"> {friend.username}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="blocked">
        <h2 id="blocked">Blocked ({blocks.length})</h2>
        <ul class="list">
          {blocks.length === 0 && <li class="muted">Nobody.</li>}
          {blocks.map((block) => (
            <li key={block.uid}>
              <span class="grow">{block.nickname || block.username}</span>
              <button type="button" class="btn small" onClick={() => act(() => client.friends.unblock(block.uid), `${block.username} is unblocked.`)}>
                Unblock<span class="visually-hidden"> {block.username}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
