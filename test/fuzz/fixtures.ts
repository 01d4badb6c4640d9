import { randomBytes } from 'node:crypto';
import type { HttpClient } from '../support/http-client.ts';
import { befriend, createGroup } from '../support/social.ts';
import { logIn, signUp, type TestUser } from '../support/users.ts';
import type { PoolName } from './values.ts';

/**
 * What the fuzz's valid requests point at: users with tokens, friendships and their chats, a group
 * with an application and a message, a friend request, a file, a reaction. Pools grow with the ids
 * the fuzz's own successful requests create (groups, messages, requests, files).
 */
export class Pools {
  private readonly values = new Map<PoolName, string[]>();
  /** Sessions of a user kept for routes that end sessions (logout, refresh, revoke). */
  spareTokens: string[] = [];
  users: TestUser[] = [];

  add(pool: PoolName, value: unknown): void {
    if (typeof value !== 'string' || value === '') return;
    const list = this.values.get(pool) ?? [];
    if (list.includes(value)) return;
    if (list.length >= 60) list.splice(8 + (list.length % 52), 1); // keep the fixtures (first ones), rotate the rest
    list.push(value);
    this.values.set(pool, list);
  }

  draw(pool: PoolName, pick: number): string {
    const list = this.values.get(pool) ?? [];
    return list.length === 0 ? '1' : (list[pick % list.length] as string);
  }

  /** Ids found in a successful answer join the pools. */
  harvest(body: unknown, depth = 0): void {
    if (depth > 6 || body === null || typeof body !== 'object') return;
    if (Array.isArray(body)) {
      for (const item of body.slice(0, 20)) this.harvest(item, depth + 1);
      return;
    }
    const record = body as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'chat_id') this.add('chat_id', value);
      else if (key === 'msg_id') this.add('msg_id', value);
      else if (key === 'request_id') this.add('request_id', value);
      else if (key === 'application_id') this.add('application_id', value);
      else if (key === 'fid') this.add('fid', value);
      else if (key === 'client_key') this.add('client_key', value);
      else if (key === 'id' && 'seq' in record) this.add('msg_id', value);
      else if (key === 'id' && 'member_count' in record) this.add('group_id', value);
      else this.harvest(value, depth + 1);
    }
  }
}

export async function seedFixtures(http: HttpClient, userCount: number): Promise<Pools> {
  const pools = new Pools();
  for (let i = 0; i < userCount; i++) pools.users.push(await signUp(http, { stem: 'fuzz' }));
  const [a, b, c] = pools.users as [TestUser, TestUser, TestUser];
  for (const user of pools.users) {
    pools.add('uid', user.uid);
    pools.add('username', user.username);
  }
  const spare = await signUp(http, { stem: 'fuzzspare' });
  for (let i = 0; i < 12; i++) pools.spareTokens.push(await logIn(http, spare.username, spare.password));

  for (const other of pools.users.slice(1, 4)) pools.add('chat_id', await befriend(http, a, other));
  const group = await createGroup(http, a, [b], { visibility: 'public', join_rule: 'approval' });
  pools.add('group_id', group.id);
  pools.add('chat_id', group.chat_id);
  const applied = await http.post(`/group/${group.id}/members/apply`, { token: c.token, json: { apply_msg: 'let me in' } });
  pools.harvest(applied.body);
  const chatId = pools.draw('chat_id', 0);
  for (let i = 0; i < 3; i++) {
    const sent = await http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `fx-${randomBytes(4).toString('hex')}`, message: `hello ${i}`, message_type: 'text' } });
    pools.harvest(sent.body);
    const inGroup = await http.post(`/chats/${group.chat_id}/messages`, { token: b.token, json: { client_generated_id: `fx-${randomBytes(4).toString('hex')}`, message: 'hi all', message_type: 'text' } });
    pools.harvest(inGroup.body);
  }
  const pending = await http.post('/friend/apply', { token: c.token, json: { target_user_id: pools.users[4]?.uid ?? b.uid, apply_msg: 'hi' } });
  pools.harvest(pending.body);
  const file = await http.post('/fserv/upload?name=a.txt', { token: a.token, raw: Buffer.from('fuzz file'), headers: { 'content-type': 'application/octet-stream' } });
  pools.harvest(file.body);
  const sessions = await http.get('/users/sessions', { token: a.token });
  pools.harvest(sessions.body);
  for (const emoji of ['👍', 'ok', '😀', 'e\u0301']) pools.add('emoji', emoji);
  return pools;
}
