import { expect } from 'chai';
import type { HttpClient } from './http-client.ts';
import type { TestUser } from './users.ts';

/** Makes two users friends through the API (a's request, b accepts); answers their direct chat id. */
export async function befriend(http: HttpClient, a: TestUser, b: TestUser): Promise<string> {
  const applied = await http.post('/friend/apply', { token: a.token, json: { target_user_id: b.uid, apply_msg: 'hi' } });
  expect(applied.status, JSON.stringify(applied.body)).to.equal(201);
  if (applied.body.status === 'accepted') return applied.body.chat_id;
  const accepted = await http.post(`/friend/requests/${applied.body.request_id}/accept`, { token: b.token });
  expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
  return accepted.body.chat_id;
}

export interface TestGroup {
  id: string;
  chat_id: string;
}

/** Creates a group owned by `owner` with the given members added by the owner. */
export async function createGroup(http: HttpClient, owner: TestUser, members: TestUser[] = [], fields: Record<string, unknown> = {}): Promise<TestGroup> {
  const created = await http.post('/group', { token: owner.token, json: { name: 'Test group', ...fields } });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  if (members.length > 0) {
    const added = await http.post(`/group/${created.body.id}/members`, { token: owner.token, json: { user_ids: members.map((m) => m.uid) } });
    expect(added.status, JSON.stringify(added.body)).to.equal(200);
    expect(added.body.added).to.have.length(members.length);
  }
  return { id: created.body.id, chat_id: created.body.chat_id };
}

/** The caller's notifications of one type, oldest first. */
export async function notificationsOf(http: HttpClient, user: TestUser, type: string): Promise<Record<string, unknown>[]> {
  const res = await http.get('/users/notifications?max=100', { token: user.token });
  expect(res.status).to.equal(200);
  return res.body.notifications.filter((n: { type: string }) => n.type === type);
}
