import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { createGroup, type TestGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * Who may do what to a group: every endpoint × every kind of person, each cell on a fresh group.
 * The group is public with join_rule "approval", so outsiders see it and are refused with 403;
 * the private-group block below checks that outsiders get 404 instead.
 */

const ROLES = ['owner', 'manager', 'member', 'muted', 'applicant', 'outsider', 'kicked', 'blocked'] as const;
type Role = (typeof ROLES)[number];

interface Scene {
  group: TestGroup;
  people: Record<Role, TestUser> & { target: TestUser; newcomer: TestUser };
  applicationId: string;
}

type Call = (api: TestApi, scene: Scene, actor: TestUser) => Promise<{ status: number }>;

const row = (...statuses: number[]) => Object.fromEntries(ROLES.map((role, i) => [role, statuses[i]])) as Record<Role, number>;

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
  ['POST /group/{id}/mute {owner}', (api, s, a) => api.http.post(`/group/${s.group.id}/mute`, { token: a.token, json: { target_user_id: s.people.owner.uid, mute_status: true, duration_seconds: 60 } }), row(400, 403, 403, 403, 403, 403, 403, 403)],
  // Search answers as history reads do: the group's chat is 404 to everyone who is not a member now.
  ['GET /chats/search?chat_id={chat}', (api, s, a) => api.http.get(`/chats/search?q=hello&chat_id=${s.group.chat_id}`, { token: a.token }), row(200, 200, 200, 200, 404, 404, 404, 404)],
];

describe('group permission matrix', function () {
  this.timeout(120_000);
  let api: TestApi;
  let users: Scene['people'];

  before(async () => {
    api = await startTestApi();
    const entries = await Promise.all([...ROLES, 'target', 'newcomer'].map(async (role) => [role, await signUp(api.http, { stem: `pm_${role}` })] as const));
    users = Object.fromEntries(entries) as Scene['people'];
  });
  after(() => api.close());

  /** A fresh group with one person in each role. */
  async function stage(fields: Record<string, unknown>): Promise<Scene> {
    const { owner, manager, member, muted, applicant, kicked, blocked, target } = users;
    const group = await createGroup(api.http, owner, [manager, member, muted, target, kicked], fields);
    const ok = (res: { status: number }) => expect(res.status).to.be.within(200, 204);
    ok(await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: manager.uid, is_manager: true } }));
    ok(await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: muted.uid, mute_status: true, duration_seconds: 3600 } }));
    ok(await api.http.delete(`/group/${group.id}/members/${kicked.uid}`, { token: owner.token }));
    ok(await api.http.post('/friend/block', { token: owner.token, json: { target_user_id: blocked.uid } }));
    let applicationId = '999999999'; // nobody can apply to a private group
    if (fields.visibility === 'public') {
      const applied = await api.http.post(`/group/${group.id}/members/apply`, { token: applicant.token, json: {} });
      ok(applied);
      applicationId = applied.body.application_id;
    }
    return { group, people: users, applicationId };
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
