import { inLanes } from './lanes.ts';
import type { SocketIdentity } from './protocol.ts';
import { LoadError } from './plan.ts';
import { chatLayout, type Seeded, type SeededChat, type Topology } from './topology.ts';

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

export function apiClient(baseUrl: string) {
  return async (method: string, path: string, token?: string, body?: unknown): Promise<Answer> => {
    let res: Response;
    try {
      res = await fetch(baseUrl + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new LoadError(`Cannot reach the API at ${baseUrl} (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}): check --base-url.`);
    }
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };
}

/** Checks that the base URL is a Wetty API before any work: one clear sentence when it is not. */
export async function checkApi(baseUrl: string): Promise<void> {
  const { status, body } = await apiClient(baseUrl)('GET', '/healthz');
  if (status !== 200 || body === null) {
    throw new LoadError(`${baseUrl}/healthz answered ${status} instead of the Wetty API's health: check --base-url (it is the API's http://host:port, not the WebSocket URL).`);
  }
}

/**
 * Seeding through the public HTTP API: register and log in each user, befriend the pairs (which
 * opens their direct chat), create the groups and have their members join. Works against any
 * system but is slow: every registration and login hashes a password with argon2.
 */
export async function seedThroughApi(baseUrl: string, topology: Topology, runId: string, onProgress: (done: number) => void): Promise<Seeded> {
  const api = apiClient(baseUrl);
  const users: SocketIdentity[] = new Array(topology.users);
  await inLanes(Array.from({ length: topology.users }, (_, i) => i), 8, async (i) => {
    const username = `load_${runId}_${i}`;
    const password = `load-password-${runId}`;
    const registered = await api('POST', '/users/auth/register', undefined, { username, password });
    if (registered.status !== 201 && registered.status !== 200) {
      throw new LoadError(`The server refused to register ${username} (${registered.status} ${JSON.stringify(registered.body?.error ?? registered.body)}): raise REGISTER_RATE_MAX on the server or seed fewer users.`);
    }
    const login = await api('POST', '/users/auth/login', undefined, { username, password, client_type: 'mobile' });
    if (login.status !== 200 || typeof login.body?.token !== 'string') {
      throw new LoadError(`The server refused the login of ${username} (${login.status} ${JSON.stringify(login.body?.error ?? login.body)}): raise LOGIN_RATE_MAX on the server or check that it accepts logins.`);
    }
    users[i] = { uid: String(login.body.uid), token: login.body.token };
    if (i % 100 === 99) onProgress(i + 1);
  });
  const layout = chatLayout(topology);
  const chats: SeededChat[] = [];
  const must = (answer: Answer, what: string) => {
    if (answer.status >= 300) throw new LoadError(`The server refused to ${what} (${answer.status} ${JSON.stringify(answer.body?.error ?? answer.body)}): seed a local system with --seed db, or check the server's limits.`);
    return answer.body ?? {};
  };
  await inLanes(layout.pairs, 8, async ([a, b]) => {
    const [sender, receiver] = [users[a] as SocketIdentity, users[b] as SocketIdentity];
    must(await api('PUT', '/users/profile', receiver.token, { add_friend_setting: 'anyone' }), 'change a profile');
    const applied = must(await api('POST', '/friend/apply', sender.token, { target_user_id: receiver.uid }), 'accept a friend request');
    chats.push({ chatId: String(applied.chat_id), kind: 'direct', sender: a, receivers: [b] });
  });
  const group = async (members: number[], category: 'small' | 'large', name: string) => {
    const [owner, ...rest] = members as [number, ...number[]];
    const created = must(await api('POST', '/group', (users[owner] as SocketIdentity).token, { name, category, join_rule: 'open', visibility: 'public' }), 'create a group');
    await inLanes(rest, 8, async (m) => {
      must(await api('POST', `/group/${String(created.id)}/members/apply`, (users[m] as SocketIdentity).token, {}), 'let a member join a group');
    });
    chats.push({ chatId: String(created.chat_id), kind: category, sender: owner, receivers: rest });
  };
  await inLanes(layout.small, 4, (members, g) => group(members, 'small', `load small ${g}`));
  if (layout.large.length > 1) await group(layout.large, 'large', 'load large group');
  return { users, chats };
}
