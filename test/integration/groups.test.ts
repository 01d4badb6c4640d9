import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { createGroup, notificationsOf } from '../support/social.ts';
import { waitFor } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

describe('groups', () => {
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const newUser = () => signUp(api.http, { stem: 'grp' });
  const memberUids = async (viewer: TestUser, groupId: string) =>
    (await api.http.get(`/group/${groupId}/members`, { token: viewer.token })).body.members.map((m: { uid: string }) => m.uid).sort();

  before(async () => {
    api = await startTestApi({ GROUP_SMALL_MAX_MEMBERS: '4', GROUP_LARGE_MAX_MEMBERS: '6' });
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  describe('lifecycle and profile', () => {
    it('creates a group with its chat; the creator is owner and only member', async () => {
      const owner = await newUser();
      const res = await api.http.post('/group', { token: owner.token, json: { name: ' Climbers ', description: 'rocks', visibility: 'public', join_rule: 'open' } });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'Climbers', description: 'rocks', visibility: 'public', join_rule: 'open', category: 'small', mute_all: false, member_count: 1, owner_uid: owner.uid, my_role: 'owner' });
      expect(res.body.id).to.match(/^\d+$/);
      expect(res.body.chat_id).to.match(/^\d+$/);
      expect((await api.http.get('/group', { token: owner.token })).body.groups.map((g: { id: string }) => g.id)).to.deep.equal([res.body.id]);
    });

    it('defaults to private with approval, and refuses invalid fields', async () => {
      const owner = await newUser();
      const res = await api.http.post('/group', { token: owner.token, json: { name: 'Quiet' } });
      expect(res.body).to.include({ visibility: 'private', join_rule: 'approval' });
      for (const json of [{}, { name: '' }, { name: 'x'.repeat(65) }, { name: 'ok', visibility: 'secret' }, { name: 'ok', join_rule: 'closed' }, { name: 'ok', category: 'huge' }, { name: 'ok', owner_uid: owner.uid }, { name: 'a\u0000b' }]) {
        const bad = await api.http.post('/group', { token: owner.token, json });
        expect(bad.status, JSON.stringify(json)).to.equal(400);
        expect(bad.body.error.code).to.equal('invalid_input');
      }
    });

    it('edits the profile and tells every member which fields changed', async () => {
      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      const res = await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { announcement: 'Meet at 6', mute_all: true, visibility: 'public' } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ announcement: 'Meet at 6', mute_all: true, visibility: 'public' });
      const [note] = await notificationsOf(api.http, member, 'group_updated');
      expect(note).to.deep.include({ group_id: group.id, fields: ['announcement', 'mute_all', 'visibility'] });
      for (const json of [{}, { visibility: 'hidden' }, { join_rule: 'sometimes' }, { category: 'medium' }, { mute_all: 'yes' }, { chat_id: '1' }]) {
        expect((await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json })).status, JSON.stringify(json)).to.equal(400);
      }
    });

    it('disbands (owner only): the group and its chat are gone for everyone, who are told', async () => {
      const [owner, manager, member] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [manager, member]);
      await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: manager.uid, is_manager: true } });
      expect((await api.http.delete(`/group/${group.id}`, { token: manager.token })).status).to.equal(403);
      expect((await api.http.delete(`/group/${group.id}`, { token: owner.token })).status).to.equal(204);
      for (const user of [owner, manager, member]) {
        expect((await api.http.get(`/group/${group.id}`, { token: user.token })).status).to.equal(404);
        expect((await api.http.get('/group', { token: user.token })).body.groups).to.deep.equal([]);
      }
      expect((await notificationsOf(api.http, member, 'group_disbanded'))[0]).to.include({ group_id: group.id, by_uid: owner.uid });
      expect(await api.deps.db('chats').where({ id: group.chat_id }).first()).to.equal(undefined);
    });

    it('private groups are invisible to outsiders; public ones are found by search', async () => {
      const [owner, outsider] = [await newUser(), await newUser()];
      const stem = `Q${Date.now().toString(36)}`;
      const hidden = await createGroup(api.http, owner, [], { name: `${stem} hidden` });
      const open = await createGroup(api.http, owner, [], { name: `${stem} open`, visibility: 'public' });
      expect((await api.http.get(`/group/${hidden.id}`, { token: outsider.token })).status).to.equal(404);
      expect((await api.http.get('/group/999999999', { token: outsider.token })).body).to.deep.equal(
        (await api.http.get(`/group/${hidden.id}`, { token: outsider.token })).body,
      );
      const visible = await api.http.get(`/group/${open.id}`, { token: outsider.token });
      expect(visible.status).to.equal(200);
      expect(visible.body.my_role).to.equal(null);
      const found = await api.http.get(`/group/search?q=${stem.toLowerCase()}`, { token: outsider.token });
      expect(found.body.groups.map((g: { id: string }) => g.id)).to.deep.equal([open.id]);
      expect((await api.http.get('/group/search', { token: outsider.token })).status).to.equal(400);
      expect((await api.http.get('/group/abc', { token: outsider.token })).status).to.equal(400);
    });
  });

  describe('membership', () => {
    it('owner and managers add people; per person: added, already a member, or refused', async () => {
      const [owner, a, b] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [a]);
      const ghost = '2'.repeat(32);
      const res = await api.http.post(`/group/${group.id}/members`, { token: owner.token, json: { user_ids: [a.uid, b.uid, ghost] } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ added: [b.uid], already_members: [a.uid], refused: [{ uid: ghost, code: 'not_found' }] });
      expect((await notificationsOf(api.http, b, 'added_to_group'))[0]).to.include({ group_id: group.id, chat_id: group.chat_id, by_uid: owner.uid });
      for (const json of [{ user_ids: [] }, { user_ids: ['x'] }, { user_ids: [b.uid, b.uid] }, { user_ids: b.uid }, {}]) {
        expect((await api.http.post(`/group/${group.id}/members`, { token: owner.token, json })).status, JSON.stringify(json)).to.equal(400);
      }
    });

    it('enforces the size cap of the category: nothing is added past it', async () => {
      const owner = await newUser();
      const people = [await newUser(), await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, people.slice(0, 2));
      const full = await api.http.post(`/group/${group.id}/members`, { token: owner.token, json: { user_ids: people.slice(2).map((p) => p.uid) } });
      expect(full.status).to.equal(409);
      expect(full.body.error.code).to.equal('group_full');
      expect(await memberUids(owner, group.id)).to.have.length(3);
      expect((await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { category: 'large' } })).status).to.equal(200);
      const added = await api.http.post(`/group/${group.id}/members`, { token: owner.token, json: { user_ids: people.slice(2).map((p) => p.uid) } });
      expect(added.body.added).to.have.length(2);
      const shrink = await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { category: 'small' } });
      expect(shrink.status).to.equal(409);
      expect(shrink.body.error.code).to.equal('group_too_large');
    });

    it('joining: open groups let people in, approval groups take applications, invite-only refuses', async () => {
      const [owner, manager, joiner] = [await newUser(), await newUser(), await newUser()];
      const open = await createGroup(api.http, owner, [], { visibility: 'public', join_rule: 'open' });
      const joined = await api.http.post(`/group/${open.id}/members/apply`, { token: joiner.token, json: {} });
      expect(joined.status).to.equal(201);
      expect(joined.body).to.deep.equal({ status: 'joined', chat_id: open.chat_id });
      expect((await api.http.post(`/group/${open.id}/members/apply`, { token: joiner.token, json: {} })).body.error.code).to.equal('already_member');

      const invite = await createGroup(api.http, owner, [], { visibility: 'public', join_rule: 'invite_only' });
      const refused = await api.http.post(`/group/${invite.id}/members/apply`, { token: joiner.token, json: {} });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('invite_only');

      const approval = await createGroup(api.http, owner, [manager], { visibility: 'public', join_rule: 'approval' });
      await api.http.put(`/group/${approval.id}/managers`, { token: owner.token, json: { target_user_id: manager.uid, is_manager: true } });
      const pending = await api.http.post(`/group/${approval.id}/members/apply`, { token: joiner.token, json: { apply_msg: 'let me in' } });
      expect(pending.body.status).to.equal('pending');
      const repeat = await api.http.post(`/group/${approval.id}/members/apply`, { token: joiner.token, json: {} });
      expect(repeat.body.application_id).to.equal(pending.body.application_id);
      for (const boss of [owner, manager]) {
        expect((await notificationsOf(api.http, boss, 'join_request'))[0]).to.include({ group_id: approval.id, applicant_uid: joiner.uid, apply_msg: 'let me in' });
      }
      const list = await api.http.get(`/group/${approval.id}/members/applications`, { token: manager.token });
      expect(list.body.applications.map((a: { application_id: string }) => a.application_id)).to.deep.equal([pending.body.application_id]);
      const approved = await api.http.post(`/group/${approval.id}/members/applications/${pending.body.application_id}/approve`, { token: manager.token });
      expect(approved.body).to.deep.equal({ application_id: pending.body.application_id, status: 'approved' });
      expect(await memberUids(owner, approval.id)).to.include(joiner.uid);
      expect((await notificationsOf(api.http, joiner, 'join_approved'))[0]).to.include({ group_id: approval.id });
      const twice = await api.http.post(`/group/${approval.id}/members/applications/${pending.body.application_id}/reject`, { token: manager.token });
      expect(twice.status).to.equal(409);
    });

    it('an application of one group cannot be decided through another', async () => {
      const [owner, joiner] = [await newUser(), await newUser()];
      const g1 = await createGroup(api.http, owner, [], { visibility: 'public' });
      const g2 = await createGroup(api.http, owner, [], { visibility: 'public' });
      const { body } = await api.http.post(`/group/${g1.id}/members/apply`, { token: joiner.token, json: {} });
      expect((await api.http.post(`/group/${g2.id}/members/applications/${body.application_id}/approve`, { token: owner.token })).status).to.equal(404);
      const rejected = await api.http.post(`/group/${g1.id}/members/applications/${body.application_id}/reject`, { token: owner.token });
      expect(rejected.body.status).to.equal('rejected');
      expect((await notificationsOf(api.http, joiner, 'join_rejected'))[0]).to.include({ group_id: g1.id });
    });

    it('leaving and kicking; the owner must transfer first; managers cannot kick managers or the owner', async () => {
      const [owner, m1, m2, member, other] = [await newUser(), await newUser(), await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [m1, m2, member]);
      for (const m of [m1, m2]) await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: m.uid, is_manager: true } });
      expect((await api.http.delete(`/group/${group.id}/members/${owner.uid}`, { token: owner.token })).body.error.code).to.equal('owner_must_transfer');
      expect((await api.http.delete(`/group/${group.id}/members/${m2.uid}`, { token: m1.token })).body.error.code).to.equal('insufficient_role');
      expect((await api.http.delete(`/group/${group.id}/members/${owner.uid}`, { token: m1.token })).body.error.code).to.equal('insufficient_role');
      expect((await api.http.delete(`/group/${group.id}/members/${other.uid}`, { token: m1.token })).status).to.equal(404);
      expect((await api.http.delete(`/group/${group.id}/members/${member.uid}`, { token: m1.token })).status).to.equal(204);
      expect((await notificationsOf(api.http, member, 'removed_from_group'))[0]).to.include({ group_id: group.id, by_uid: m1.uid });
      expect((await api.http.delete(`/group/${group.id}/members/${m2.uid}`, { token: owner.token })).status).to.equal(204);
      expect((await api.http.delete(`/group/${group.id}/members/${m1.uid}`, { token: m1.token })).status).to.equal(204);
      expect(await memberUids(owner, group.id)).to.deep.equal([owner.uid]);
      for (const query of ['cursor=not-a-uid', 'limit=0', 'limit=500']) {
        expect((await api.http.get(`/group/${group.id}/members?${query}`, { token: owner.token })).status, query).to.equal(400);
      }
      expect((await api.http.get(`/group/${group.id}`, { token: owner.token })).body.member_count).to.equal(1);
    });
  });

  describe('roles and mutes', () => {
    it('transfers ownership: the old owner becomes a manager', async () => {
      const [owner, heir] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [heir]);
      const res = await api.http.post(`/group/${group.id}/transfer`, { token: owner.token, json: { target_user_id: heir.uid } });
      expect(res.body).to.deep.equal({ owner_uid: heir.uid });
      const view = await api.http.get(`/group/${group.id}`, { token: owner.token });
      expect(view.body).to.include({ owner_uid: heir.uid, my_role: 'manager' });
      expect((await api.http.delete(`/group/${group.id}/members/${owner.uid}`, { token: owner.token })).status).to.equal(204);
      expect((await notificationsOf(api.http, heir, 'ownership_transferred'))[0]).to.include({ from_uid: owner.uid });
    });

    it('refuses to act on yourself or non-members', async () => {
      const [owner, outsider] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner);
      expect((await api.http.post(`/group/${group.id}/transfer`, { token: owner.token, json: { target_user_id: owner.uid } })).status).to.equal(400);
      expect((await api.http.post(`/group/${group.id}/transfer`, { token: owner.token, json: { target_user_id: outsider.uid } })).status).to.equal(404);
      expect((await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: outsider.uid, is_manager: true } })).status).to.equal(404);
      expect((await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: owner.uid, is_manager: false } })).status).to.equal(400);
    });

    it('refuses mutes of 0 seconds, absurd lengths, or without a duration', async () => {
      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      for (const json of [
        { target_user_id: member.uid, mute_status: true, duration_seconds: 0 },
        { target_user_id: member.uid, mute_status: true, duration_seconds: -5 },
        { target_user_id: member.uid, mute_status: true, duration_seconds: 31 * 24 * 3600 },
        { target_user_id: member.uid, mute_status: true, duration_seconds: 1.5 },
        { target_user_id: member.uid, mute_status: true },
        { target_user_id: member.uid, mute_status: 'yes', duration_seconds: 60 },
      ]) {
        const res = await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json });
        expect(res.status, JSON.stringify(json)).to.equal(400);
      }
    });

    it('a timed mute lifts itself after its duration, with no request, and the member is told', async function () {
      this.timeout(15_000);
      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      const muted = await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: true, duration_seconds: 2 } });
      expect(muted.status).to.equal(200);
      expect(Date.parse(muted.body.muted_until) - Date.now()).to.be.within(1000, 2100);
      expect(await api.deps.userState.canSend(member.uid, group.chat_id)).to.deep.equal({ allowed: false, code: 'muted' });
      expect((await notificationsOf(api.http, member, 'muted'))[0]).to.include({ group_id: group.id, by_uid: owner.uid });

      await waitFor(async () => (await notificationsOf(api.http, member, 'unmuted')).length === 1, 8000, 200);
      const row = await api.deps.db('chat_members').where({ chat_id: group.chat_id, uid: member.uid }).first();
      expect(row.muted_until).to.equal(null);
      expect((await api.deps.userState.canSend(member.uid, group.chat_id)).allowed).to.equal(true);
    });

    it('an early unmute wins over the pending timer, which then does nothing', async function () {
      this.timeout(15_000);
      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: true, duration_seconds: 1 } });
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: false } });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await notificationsOf(api.http, member, 'unmuted')).to.have.length(1);
    });
  });
});
