import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar.tsx';
import { navigate, onLinkClick } from '../lib/router.ts';
import { useStore } from '../lib/store.ts';
import { reloadChatsSoon } from '../state/chats.state.ts';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import { rememberUsers } from '../state/people.state.ts';
import { groupChanged, me } from '../state/session.state.ts';
import type { Friend, Group, GroupMember } from '../state/types.ts';

type Application = Awaited<ReturnType<typeof client.groups.applications>>['applications'][number];

const MUTE_CHOICES = [
  { seconds: 10 * 60, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 24 * 3600, label: '1 day' },
  { seconds: 7 * 24 * 3600, label: '7 days' },
];

/** A group: its profile, members and what your role lets you do to them. */
export function GroupScreen({ groupId }: { groupId: string }) {
  const profile = useStore(me);
  const changed = useStore(groupChanged);
  const [group, setGroup] = useState<Group | null>(null);
  const [members, setMembers] = useState<readonly GroupMember[]>([]);
  const [applications, setApplications] = useState<readonly Application[]>([]);
  const [friends, setFriends] = useState<readonly Friend[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [muteFor, setMuteFor] = useState(MUTE_CHOICES[1]!.seconds);
  const [edit, setEdit] = useState<{ name: string; description: string; announcement: string; visibility: string; join_rule: string; mute_all: boolean; members_can_pin: boolean } | null>(null);

  const reload = async () => {
    const g = await client.groups.get(groupId);
    setGroup(g);
    setEdit({ name: g.name, description: g.description ?? '', announcement: g.announcement ?? '', visibility: g.visibility, join_rule: g.join_rule, mute_all: g.mute_all, members_can_pin: g.members_can_pin });
    if (!g.my_role) return;
    const page = await client.groups.members(groupId, { limit: 100 });
    setMembers(page.members);
    rememberUsers(page.members);
    if (g.my_role === 'owner' || g.my_role === 'manager') {
      setApplications((await client.groups.applications(groupId)).applications);
      setFriends((await client.friends.list()).friends);
    }
  };
  useEffect(() => {
    reload().catch((error: unknown) => setStatus(describeError(error)));
  }, [groupId, changed && changed.groupId === groupId ? changed.at : 0]);

  const act = async (what: () => Promise<unknown>, done: string, after?: () => void) => {
    try {
      await what();
      setStatus(done);
      if (after) after();
      else await reload();
    } catch (error) {
      setStatus(describeError(error));
    }
  };

  if (!group || !profile) {
    return (
      <main id="main" class="page">
        <p role="status">{status ?? 'Loading…'}</p>
      </main>
    );
  }
  const role = group.my_role;
  const isOwner = role === 'owner';
  const canManage = isOwner || role === 'manager';
  const memberIds = new Set(members.map((m) => m.uid));
  const outranks = (member: GroupMember) => isOwner || (role === 'manager' && member.role === 'member');

  const save = (event: Event) => {
    event.preventDefault();
    if (!edit) return;
    void act(() => client.groups.update(groupId, edit as never), 'Group updated.');
  };

  return (
    <main id="main" class="page">
      <div class="row">
        <Avatar name={group.name} fid={group.avatar_fid} />
        <h1 class="grow" style="margin:0">
          {group.name}
        </h1>
        {role && (
          <a class="btn primary" href={`/app/chats/${group.chat_id}`} onClick={onLinkClick}>
            Open chat
          </a>
        )}
      </div>
      <p class="muted">
        {group.visibility === 'public' ? 'Public' : 'Private'} · {group.join_rule.replace('_', ' ')} · {group.member_count} members{role ? ` · you are ${role === 'owner' ? 'the owner' : `a ${role}`}` : ''}
      </p>
      {group.announcement && <p class="card">📣 {group.announcement}</p>}
      {group.description && <p>{group.description}</p>}
      <p role="status" aria-live="polite" class="muted" data-status>
        {status}
      </p>
      {!role && (
        <button type="button" class="btn primary" onClick={() => act(() => client.groups.apply(groupId), 'Request sent.', () => reloadChatsSoon())}>
          Join or ask to join
        </button>
      )}

      {canManage && edit && (
        <section aria-labelledby="edit-group" class="card">
          <h2 id="edit-group" style="margin-top:0">Profile and visibility</h2>
          <form onSubmit={save}>
            <label for="g-name">Name</label>
            <input id="g-name" type="text" required maxLength={64} value={edit.name} onInput={(e) => setEdit({ ...edit, name: (e.currentTarget as HTMLInputElement).value })} />
            <label for="g-desc">Description</label>
            <textarea id="g-desc" rows={2} value={edit.description} onInput={(e) => setEdit({ ...edit, description: (e.currentTarget as HTMLTextAreaElement).value })} />
            <label for="g-ann">Announcement</label>
            <textarea id="g-ann" rows={2} value={edit.announcement} onInput={(e) => setEdit({ ...edit, announcement: (e.currentTarget as HTMLTextAreaElement).value })} />
            <div class="row">
              <div class="grow">
                <label for="g-vis">Visibility</label>
                <select id="g-vis" value={edit.visibility} onChange={(e) => setEdit({ ...edit, visibility: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="private">Private</option>
                  <option value="public">Public</option>
                </select>
              </div>
              <div class="grow">
                <label for="g-join">Who can join</label>
                <select id="g-join" value={edit.join_rule} onChange={(e) => setEdit({ ...edit, join_rule: (e.currentTarget as HTMLSelectElement).value })}>
                  <option value="open">Anyone</option>
                  <option value="approval">With approval</option>
                  <option value="invite_only">Invited only</option>
                </select>
              </div>
            </div>
            <p class="row">
              <input id="g-muteall" type="checkbox" checked={edit.mute_all} onChange={(e) => setEdit({ ...edit, mute_all: (e.currentTarget as HTMLInputElement).checked })} />
              <label for="g-muteall" style="margin:0">Only the owner and managers may write</label>
            </p>
            <p class="row">
              <input id="g-memberspin" type="checkbox" checked={edit.members_can_pin} onChange={(e) => setEdit({ ...edit, members_can_pin: (e.currentTarget as HTMLInputElement).checked })} />
              <label for="g-memberspin" style="margin:0">Members may pin messages (the owner and managers always may)</label>
            </p>
            <button type="submit" class="btn primary">
              Save
            </button>
          </form>
        </section>
      )}

      {role && (
        <section aria-labelledby="members">
          <h2 id="members">Members</h2>
          {canManage && (
            <p class="row">
              <label for="mute-for" style="margin:0">
                Mute for
              </label>
              <select id="mute-for" style="width:auto" value={muteFor} onChange={(e) => setMuteFor(Number((e.currentTarget as HTMLSelectElement).value))}>
                {MUTE_CHOICES.map((choice) => (
                  <option key={choice.seconds} value={choice.seconds}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </p>
          )}
          <ul class="list">
            {members.map((member) => {
              const name = member.nickname || member.username;
              const muted = member.muted_until && Date.parse(member.muted_until) > Date.now();
              const self = member.uid === profile.uid;
              return (
                <li key={member.uid} data-member={member.username}>
                  <Avatar name={name} fid={member.avatar_fid} presenceOf={member.uid} small />
                  <span class="grow">
                    {name} {self && <span class="muted">(you)</span>}
                  </span>
                  <span class="tag">{member.role}</span>
                  {muted && <span class="tag">muted until {new Date(member.muted_until!).toLocaleTimeString()}</span>}
                  {!self && canManage && outranks(member) && (
                    <>
                      {muted ? (
                        <button type="button" class="btn small" onClick={() => act(() => client.groups.unmute(groupId, member.uid), `${name} can write again.`)}>
                          Unmute<span class="visually-hidden"> {name}</span>
                        </button>
                      ) : (
                        <button type="button" class="btn small" onClick={() => act(() => client.groups.mute(groupId, member.uid, muteFor), `${name} is muted.`)}>
                          Mute<span class="visually-hidden"> {name}</span>
                        </button>
                      )}
                      <button type="button" class="btn small danger" onClick={() => act(() => client.groups.removeMember(groupId, member.uid), `${name} was removed.`)}>
                        Remove<span class="visually-hidden"> {name}</span>
                      </button>
                    </>
                  )}
                  {!self && isOwner && (
                    <>
                      <button type="button" class="btn small" onClick={() => act(() => client.groups.setManager(groupId, member.uid, member.role !== 'manager'), 'Roles updated.')}>
                        {member.role === 'manager' ? 'Remove manager' : 'Make manager'}
                        <span class="visually-hidden"> {name}</span>
                      </button>
                      <button
                        type="button"
                        class="btn small"
                        onClick={() => confirm(`Make ${name} the owner? You become a manager.`) && act(() => client.groups.transfer(groupId, member.uid), `${name} is the owner now.`)}
                      >
                        Transfer ownership<span class="visually-hidden"> to {name}</span>
                      </button>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {canManage && (
        <section aria-labelledby="add-members">
          <h2 id="add-members">Add friends</h2>
          <ul class="list">
            {friends.filter((f) => !memberIds.has(f.uid)).length === 0 && <li class="muted">Every friend is already here.</li>}
            {friends
              .filter((f) => !memberIds.has(f.uid))
              .map((friend) => (
                <li key={friend.uid}>
                  <span class="grow">{friend.nickname || friend.username}</span>
                  <button type="button" class="btn small" onClick={() => act(() => client.groups.addMembers(groupId, [friend.uid]), `${friend.username} was added.`)}>
                    Add<span class="visually-hidden"> {friend.username}</span>
                  </button>
                </li>
              ))}
          </ul>
          <h2>Requests to join ({applications.length})</h2>
          <ul class="list">
            {applications.length === 0 && <li class="muted">None.</li>}
            {applications.map((application) => {
              const applicant = application.applicant as { uid: string; username: string; nickname?: string };
              return (
                <li key={application.application_id}>
                  <span class="grow">
                    {applicant.nickname || applicant.username}
                    {application.apply_msg && <span class="muted"> — “{application.apply_msg}”</span>}
                  </span>
                  <button type="button" class="btn small primary" onClick={() => act(() => client.groups.approve(groupId, application.application_id), 'Approved.')}>
                    Approve<span class="visually-hidden"> {applicant.username}</span>
                  </button>
                  <button type="button" class="btn small" onClick={() => act(() => client.groups.rejectApplication(groupId, application.application_id), 'Declined.')}>
                    Decline<span class="visually-hidden"> {applicant.username}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {role && (
        <section aria-labelledby="leave" style="margin-top:20px">
          <h2 id="leave">Leave</h2>
          <div class="row">
            {!isOwner && (
              <button
                type="button"
                class="btn danger"
                onClick={() => act(() => client.groups.removeMember(groupId, profile.uid), 'You left the group.', () => (reloadChatsSoon(), navigate({ name: 'groups' })))}
              >
                Leave group
              </button>
            )}
            {isOwner && (
              <button
                type="button"
                class="btn danger"
                onClick={() => confirm(`Disband ${group.name}? Its chat and history are deleted for everyone.`) && act(() => client.groups.disband(groupId), 'Group disbanded.', () => (reloadChatsSoon(), navigate({ name: 'groups' })))}
              >
                Disband group
              </button>
            )}
          </div>
        </section>
      )}
    </main>
  );
}
