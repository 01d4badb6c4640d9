import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { randomBytes } from 'node:crypto';
import { befriend, createGroup, type TestGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

/**
 * Who may do what to a group and its chat: every endpoint × every kind of person, each cell on a fresh group.
 * The group is public with join_rule "approval", so outsiders see it and are refused with 403;
 * the private-group block below checks that outsiders get 404 instead.
 */

const ROLES = ['owner', 'manager', 'member', 'muted', 'applicant', 'outsider', 'kicked', 'blocked'] as const;
type Role = (typeof ROLES)[number];

interface Scene {
  group: TestGroup;
  people: Record<Role, TestUser> & { target: TestUser; newcomer: TestUser };
  applicationId: string;
  /** Messages sent by these people before the mute and the kick; `pinned` is the member's message, pinned by the owner. */
  messages: { owner: string; manager: string; member: string; muted: string; kicked: string };
}

type Call = (api: TestApi, scene: Scene, actor: TestUser) => Promise<{ status: number }>;

const row = (...statuses: number[]) => Object.fromEntries(ROLES.map((role, i) => [role, statuses[i]])) as Record<Role, number>;

/** The actor's own message, or (for people who sent none) the member's. */
const ownMessage = (s: Scene, role: Role) => (s.messages as Record<string, string>)[role] ?? s.messages.member;
const roleOf = (s: Scene, actor: TestUser) => ROLES.find((role) => s.people[role].uid === actor.uid) as Role;

const MATRIX: [string, Call, Record<Role, number>][] = [
  ['GET /group/{id}', (api, s, a) => api.http.get(`/group/${s.group.id}`, { token: a.token }), row(200, 200, 200, 200, 200, 200, 200, 200)],
  ['PUT /group/{id}/profile', (api, s, a) => api.http.put(`/group/${s.group.id}/profile`, { token: a.token, json: { announcement: 'hi' } }), row(200, 200, 403, 403, 403, 403, 403, 403)],
  ['DELETE /group/{id}', (api, s, a) => api.http.delete(`/group/${s.group.id}`, { token: a.token }), row(204, 403, 403, 403, 403, 403, 403, 403)],
  ['GET /group/{id}/members', (api, s, a) => api.http.get(`/group/${s.group.id}/members`, { token: a.token }), row(200, 200, 200, 200, 403, 403, 403, 403)],
  ['POST /group/{id}/members', (api, s, a) => api.http.post(`/group/${s.group.id}/members`, { token: a.token, json: { user_ids: [s.people.newcomer.uid] } }), row(200, 200, 403, 403, 403, 403, 403, 403)],
  ['POST /group/{id}/members/apply', (api, s, a) => api.http.post(`/group/${s.group.id}/members/apply`, { token: a.token, json: {} }), row(409, 409, 409, 409, 201, 201, 201, 201)],
  ['GET /group/{id}/members/applications', (api, s, a) => api.http.get(`/group/${s.group.id}/members/applications`, { token: a.token }), row(200, 200, 403, 403, 403, 403, 403, 403)],
  ['POST …/applications/{id}/approve', (api, s, a) => api.http.post(`/group/${s.group.id}/members/applications/${s.applicationId}/approve`, { token: a.token }), row(200, 200, 403, 403, 403, 403, 403, 403)],
  ['POST …/applications/{id}/reject', (api, s, a) => api.http.post(`/group/${s.group.id}/members/applications/${s.applicationId}/reject`, { token: a.token }), row(200, 200, 403, 403, 403, 403, 403, 403)],
  ['DELETE /group/{id}/members/{member}', (api, s, a) => api.http.delete(`/group/${s.group.id}/members/${s.people.target.uid}`, { token: a.token }), row(204, 204, 403, 403, 403, 403, 403, 403)],
  ['DELETE /group/{id}/members/{manager}', (api, s, a) => api.http.delete(`/group/${s.group.id}/members/${s.people.manager.uid}`, { token: a.token }), row(204, 204, 403, 403, 403, 403, 403, 403)],
  ['DELETE /group/{id}/members/{owner}', (api, s, a) => api.http.delete(`/group/${s.group.id}/members/${s.people.owner.uid}`, { token: a.token }), row(409, 403, 403, 403, 403, 403, 403, 403)],
  ['DELETE /group/{id}/members/{self}', (api, s, a) => api.http.delete(`/group/${s.group.id}/members/${a.uid}`, { token: a.token }), row(409, 204, 204, 204, 403, 403, 403, 403)],
  ['PUT /group/{id}/managers', (api, s, a) => api.http.put(`/group/${s.group.id}/managers`, { token: a.token, json: { target_user_id: s.people.target.uid, is_manager: true } }), row(200, 403, 403, 403, 403, 403, 403, 403)],
  ['POST /group/{id}/transfer', (api, s, a) => api.http.post(`/group/${s.group.id}/transfer`, { token: a.token, json: { target_user_id: s.people.target.uid } }), row(200, 403, 403, 403, 403, 403, 403, 403)],
  ['POST /group/{id}/mute {member}', (api, s, a) => api.http.post(`/group/${s.group.id}/mute`, { token: a.token, json: { target_user_id: s.people.target.uid, mute_status: true, duration_seconds: 60 } }), row(200, 200, 403, 403, 403, 403, 403, 403)],
  ['PATCH /chats/{id}/messages/{own}', (api, s, a) => api.http.patch(`/chats/${s.group.chat_id}/messages/${ownMessage(s, roleOf(s, a))}`, { token: a.token, json: { message: 'edited' } }), row(200, 200, 200, 403, 404, 404, 404, 404)],
  ['PATCH /chats/{id}/messages/{member\'s}', (api, s, a) => api.http.patch(`/chats/${s.group.chat_id}/messages/${s.messages.member}`, { token: a.token, json: { message: 'edited' } }), row(403, 403, 200, 403, 404, 404, 404, 404)],
  ['GET /chats/{id}/messages/{msg}/edits', (api, s, a) => api.http.get(`/chats/${s.group.chat_id}/messages/${s.messages.member}/edits`, { token: a.token }), row(200, 200, 200, 200, 404, 404, 404, 404)],
  ['GET /chats/{id}/pins', (api, s, a) => api.http.get(`/chats/${s.group.chat_id}/pins`, { token: a.token }), row(200, 200, 200, 200, 404, 404, 404, 404)],
  ['POST /chats/{id}/pins', (api, s, a) => api.http.post(`/chats/${s.group.chat_id}/pins`, { token: a.token, json: { msg_id: s.messages.owner } }), row(200, 200, 403, 403, 404, 404, 404, 404)],
  ['DELETE /chats/{id}/pins/{msg}', (api, s, a) => api.http.delete(`/chats/${s.group.chat_id}/pins/${s.messages.member}`, { token: a.token }), row(200, 200, 403, 403, 404, 404, 404, 404)],
  ['GET /chats/{id}/changes', (api, s, a) => api.http.get(`/chats/${s.group.chat_id}/changes?since=0`, { token: a.token }), row(200, 200, 200, 200, 404, 404, 404, 404)],
  ['POST /group/{id}/mute {owner}', (api, s, a) => api.http.post(`/group/${s.group.id}/mute`, { token: a.token, json: { target_user_id: s.people.owner.uid, mute_status: true, duration_seconds: 60 } }), row(400, 403, 403, 403, 403, 403, 403, 403)],
  // Search answers as history reads do: the group's chat is 404 to everyone who is not a member now.
  ['GET /chats/search?chat_id={chat}', (api, s, a) => api.http.get(`/chats/search?q=hello&chat_id=${s.group.chat_id}`, { token: a.token }), row(200, 200, 200, 200, 404, 404, 404, 404)],
];

describe('group permission matrix', function () {
  this.timeout(120_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let users: Scene['people'];

  before(async () => {
    api = await startTestApi();
    workers = await startTestWorkers(api.deps.config);
    const entries = await Promise.all([...ROLES, 'target', 'newcomer'].map(async (role) => [role, await signUp(api.http, { stem: `pm_${role}` })] as const));
    users = Object.fromEntries(entries) as Scene['people'];
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  /** A fresh group with one person in each role, and messages from the people in it. */
  async function stage(fields: Record<string, unknown>): Promise<Scene> {
    const { owner, manager, member, muted, applicant, kicked, blocked, target } = users;
    const group = await createGroup(api.http, owner, [manager, member, muted, target, kicked], fields);
    const ok = (res: { status: number }) => expect(res.status).to.be.within(200, 204);
    ok(await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: manager.uid, is_manager: true } }));
    const say = async (user: TestUser) => {
      const sent = await api.http.post(`/chats/${group.chat_id}/messages`, { token: user.token, json: { client_generated_id: `pm-${randomBytes(6).toString('hex')}`, message_type: 'text', message: 'hi' } });
      ok(sent);
      return sent.body.id as string;
    };
    const messages = { owner: await say(owner), manager: await say(manager), member: await say(member), muted: await say(muted), kicked: await say(kicked) };
    ok(await api.http.post(`/chats/${group.chat_id}/pins`, { token: owner.token, json: { msg_id: messages.member } }));
    ok(await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: muted.uid, mute_status: true, duration_seconds: 3600 } }));
    ok(await api.http.delete(`/group/${group.id}/members/${kicked.uid}`, { token: owner.token }));
    ok(await api.http.post('/friend/block', { token: owner.token, json: { target_user_id: blocked.uid } }));
    let applicationId = '999999999'; // nobody can apply to a private group
    if (fields.visibility === 'public') {
      const applied = await api.http.post(`/group/${group.id}/members/apply`, { token: applicant.token, json: {} });
      ok(applied);
      applicationId = applied.body.application_id;
    }
    return { group, people: users, applicationId, messages };
  }

  for (const [endpoint, call, expected] of MATRIX) {
    describe(endpoint, () => {
      for (const role of ROLES) {
        it(`${role} → ${expected[role]}`, async () => {
          const scene = await stage({ visibility: 'public', join_rule: 'approval' });
          const res = await call(api, scene, users[role]);
          expect(res.status, JSON.stringify(res)).to.equal(expected[role]);
        });
      }
    });
  }

  describe('a private group does not exist for outsiders', () => {
    const outsiders: Role[] = ['applicant', 'outsider', 'kicked', 'blocked'];
    for (const [endpoint, call] of MATRIX) {
      it(`${endpoint}: 404 for ${outsiders.join(', ')}`, async () => {
        const scene = await stage({ visibility: 'private', join_rule: 'approval' });
        for (const role of outsiders) {
          const res = await call(api, scene, users[role]);
          expect(res.status, `${role}: ${JSON.stringify(res)}`).to.equal(404);
        }
      });
    }
  });
});

/**
 * Who may edit, pin and read the changes of a direct chat: the two people (each on their own and the
 * other's message), either of them once one blocks the other or they are no longer friends, and a
 * stranger. Each cell on a fresh pair: X (the actor, except for the stranger) and Y, each with a
 * message, Y's pinned by Y.
 */
const DIRECT_ROLES = ['member', 'blocked', 'blocker', 'unfriended', 'outsider'] as const;
type DirectRole = (typeof DIRECT_ROLES)[number];
interface DirectScene {
  chatId: string;
  /** X's message and Y's (pinned). */
  own: string;
  other: string;
}
type DirectCall = (api: TestApi, s: DirectScene, actor: TestUser) => Promise<{ status: number }>;
const directRow = (...statuses: number[]) => Object.fromEntries(DIRECT_ROLES.map((role, i) => [role, statuses[i]])) as Record<DirectRole, number>;

const DIRECT_MATRIX: [string, DirectCall, Record<DirectRole, number>][] = [
  ['PATCH own message', (api, s, a) => api.http.patch(`/chats/${s.chatId}/messages/${s.own}`, { token: a.token, json: { message: 'edited' } }), directRow(200, 403, 403, 403, 404)],
  ['PATCH the other\'s message', (api, s, a) => api.http.patch(`/chats/${s.chatId}/messages/${s.other}`, { token: a.token, json: { message: 'edited' } }), directRow(403, 403, 403, 403, 404)],
  ['GET the other\'s message edits', (api, s, a) => api.http.get(`/chats/${s.chatId}/messages/${s.other}/edits`, { token: a.token }), directRow(200, 200, 404, 200, 404)],
  ['GET pins', (api, s, a) => api.http.get(`/chats/${s.chatId}/pins`, { token: a.token }), directRow(200, 200, 200, 200, 404)],
  ['POST pins', (api, s, a) => api.http.post(`/chats/${s.chatId}/pins`, { token: a.token, json: { msg_id: s.own } }), directRow(200, 403, 403, 403, 404)],
  ['DELETE pins/{msg}', (api, s, a) => api.http.delete(`/chats/${s.chatId}/pins/${s.other}`, { token: a.token }), directRow(200, 403, 403, 403, 404)],
  ['GET changes', (api, s, a) => api.http.get(`/chats/${s.chatId}/changes?since=0`, { token: a.token }), directRow(200, 200, 200, 200, 404)],
];

describe('direct chat permission matrix: edits, pins, changes', function () {
  this.timeout(120_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;

  before(async () => {
    api = await startTestApi();
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  async function stage(role: DirectRole): Promise<{ scene: DirectScene; actor: TestUser }> {
    const [x, y] = [await signUp(api.http, { stem: 'dm_x' }), await signUp(api.http, { stem: 'dm_y' })];
    const chatId = await befriend(api.http, x, y);
    const say = async (user: TestUser) => {
      const sent = await api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: `dm-${randomBytes(6).toString('hex')}`, message_type: 'text', message: 'hi' } });
      expect(sent.status).to.equal(201);
      return sent.body.id as string;
    };
    const scene = { chatId, own: await say(x), other: await say(y) };
    expect((await api.http.post(`/chats/${chatId}/pins`, { token: y.token, json: { msg_id: scene.other } })).status).to.equal(200);
    if (role === 'blocked') await api.http.post('/friend/block', { token: y.token, json: { target_user_id: x.uid } });
    if (role === 'blocker') await api.http.post('/friend/block', { token: x.token, json: { target_user_id: y.uid } });
    if (role === 'unfriended') expect((await api.http.delete(`/friend/${x.uid}`, { token: y.token })).status).to.be.within(200, 204);
    return { scene, actor: role === 'outsider' ? await signUp(api.http, { stem: 'dm_z' }) : x };
  }

  for (const [endpoint, call, expected] of DIRECT_MATRIX) {
    describe(endpoint, () => {
      for (const role of DIRECT_ROLES) {
        it(`${role} → ${expected[role]}`, async () => {
          const { scene, actor } = await stage(role);
          const res = await call(api, scene, actor);
          expect(res.status, JSON.stringify(res)).to.equal(expected[role]);
        });
      }
    });
  }
});
