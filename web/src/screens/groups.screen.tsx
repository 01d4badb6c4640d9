import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar.tsx';
import { navigate, onLinkClick } from '../lib/router.ts';
import { reloadChatsSoon } from '../state/chats.state.ts';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import type { GroupSummary } from '../state/types.ts';

type Found = Awaited<ReturnType<typeof client.groups.search>>['groups'][number];

/** Your groups, a new group, and public groups to join or ask to join. */
export function GroupsScreen() {
  const [mine, setMine] = useState<readonly GroupSummary[]>([]);
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<'private' | 'public'>('private');
  const [joinRule, setJoinRule] = useState<'open' | 'approval' | 'invite_only'>('approval');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<readonly Found[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const reload = async () => setMine((await client.groups.list()).groups);
  useEffect(() => {
    reload().catch((error: unknown) => setStatus(describeError(error)));
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const group = await client.groups.create({ name: name.trim(), visibility, join_rule: joinRule } as never);
      setName('');
      reloadChatsSoon();
      navigate({ name: 'groups', groupId: (group as { id: string }).id });
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const search = async (event: Event) => {
    event.preventDefault();
    try {
      setFound((await client.groups.search(query.trim(), { limit: 20 })).groups);
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const join = async (group: Found) => {
    try {
      const answer = await client.groups.apply(group.id);
      setStatus(answer.status === 'joined' ? `You joined ${group.name}.` : `Asked to join ${group.name}; a manager will decide.`);
      reloadChatsSoon();
      await reload();
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  const mineIds = new Set(mine.map((g) => g.id));
  return (
    <main id="main" class="page">
      <h1>Groups</h1>
      <p role="status" aria-live="polite" class="muted" data-status>
        {status}
      </p>
      <section aria-labelledby="my-groups">
        <h2 id="my-groups">Your groups</h2>
        <ul class="list">
          {mine.length === 0 && <li class="muted">None yet.</li>}
          {mine.map((group) => (
            <li key={group.id}>
              <Avatar name={group.name} fid={group.avatar_fid} />
              <a class="grow" href={`/app/groups/${group.id}`} onClick={onLinkClick}>
                {group.name}
              </a>
              <span class="tag">{group.my_role}</span>
              <span class="muted">{group.member_count} members</span>
              <a class="btn small" href={`/app/chats/${group.chat_id}`} onClick={onLinkClick}>
                Open chat<span class="visually-hidden"> of {group.name}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="new-group" class="card" style="margin-top:16px">
        <h2 id="new-group" style="margin-top:0">New group</h2>
        <form onSubmit={create}>
          <label for="group-name">Name</label>
          <input id="group-name" type="text" required maxLength={64} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          <div class="row">
            <div class="grow">
              <label for="group-visibility">Visibility</label>
              <select id="group-visibility" value={visibility} onChange={(e) => setVisibility((e.currentTarget as HTMLSelectElement).value as 'private' | 'public')}>
                <option value="private">Private (members only)</option>
                <option value="public">Public (anyone can find it)</option>
              </select>
            </div>
            <div class="grow">
              <label for="group-join">Who can join</label>
              <select id="group-join" value={joinRule} onChange={(e) => setJoinRule((e.currentTarget as HTMLSelectElement).value as typeof joinRule)}>
                <option value="open">Anyone</option>
                <option value="approval">With approval</option>
                <option value="invite_only">Invited only</option>
              </select>
            </div>
          </div>
          <p>
            <button type="submit" class="btn primary">
              Create group
            </button>
          </p>
        </form>
      </section>

      <section aria-labelledby="find-groups">
        <h2 id="find-groups">Public groups</h2>
        <form class="row" onSubmit={search} role="search">
          <label class="visually-hidden" for="group-search">
            Group name starts with
          </label>
          <input id="group-search" type="search" required maxLength={64} value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} placeholder="Group name" />
          <button type="submit" class="btn">
            Search
          </button>
        </form>
        {found && (
          <ul class="list" aria-label="Public groups found">
            {found.length === 0 && <li class="muted">No public group by that name.</li>}
            {found.map((group) => (
              <li key={group.id}>
                <span class="grow">{group.name}</span>
                <span class="muted">{group.member_count} members</span>
                {mineIds.has(group.id) ? (
                  <span class="tag">Member</span>
                ) : (
                  <button type="button" class="btn small" onClick={() => join(group)}>
                    Join<span class="visually-hidden"> {group.name}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
