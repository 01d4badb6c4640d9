import { sha256, randomHex128 } from '../shared/auth/random.ts';
import { encodeToken, newClientKey, newRefreshSecret, newUserSecret } from '../shared/auth/token.ts';
import type { Db } from '../shared/db/knex.ts';
import { getOrCreateDirectChat, insertGroupChat } from '../shared/db/repositories/chats.repository.ts';
import { insertFriendship } from '../shared/db/repositories/friends.repository.ts';
import { addMembers, insertGroup } from '../shared/db/repositories/groups.repository.ts';
import { insertSession } from '../shared/db/repositories/sessions.repository.ts';
import { insertUser } from '../shared/db/repositories/users.repository.ts';
import { inLanes } from './lanes.ts';
import type { SocketIdentity } from './protocol.ts';
import { chatLayout, type Seeded, type SeededChat, type Topology } from './topology.ts';

/** A placeholder argon2id hash: seeded users never log in with a password, they get a minted token. */
const NO_PASSWORD = '$argon2id$v=19$m=19456,t=2,p=1$bG9hZHRlc3RzZWVk$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Bulk seeding straight into PostgreSQL through the repositories: the same user and session rows
 * that register + login write, with tokens minted by encodeToken exactly as login does; then
 * friendships with their direct chats, small groups and the large group. Local systems only.
 */
export async function seedDatabase(db: Db, topology: Topology, runId: string, onProgress: (done: number) => void): Promise<Seeded> {
  const users: SocketIdentity[] = new Array(topology.users);
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = new Date(Date.now() + 30 * 86_400_000);
  await inLanes(Array.from({ length: topology.users }, (_, i) => i), 16, async (i) => {
    const uid = randomHex128();
    const secret = newUserSecret();
    const clientKey = newClientKey();
    const refreshSecret = newRefreshSecret();
    await insertUser(db, { uid, username: `load_${runId}_${i}`, password_hash: NO_PASSWORD, secret_key: secret, nickname: `load ${i}` });
    await insertSession(db, { uid, client_key: clientKey, client_type: 'mobile', refresh_hash: sha256(refreshSecret), issued_at: issuedAt, expires_at: expiresAt, user_agent: 'wetty-load' });
    users[i] = { uid, token: encodeToken({ uid, userSecret: secret, clientType: 'mobile', refreshSecret, clientKey, issuedAt }) };
    if (i % 1000 === 999) onProgress(i + 1);
  });
  const layout = chatLayout(topology);
  const uidOf = (i: number) => (users[i] as SocketIdentity).uid;
  const chats: SeededChat[] = [];
  await inLanes(layout.pairs, 16, async ([a, b]) => {
    await insertFriendship(db, uidOf(a), uidOf(b));
    const { chat } = await getOrCreateDirectChat(db, uidOf(a), uidOf(b));
    chats.push({ chatId: chat.id, kind: 'direct', sender: a, receivers: [b] });
  });
  const group = async (members: number[], category: 'small' | 'large', name: string) => {
    const [owner, ...rest] = members as [number, ...number[]];
    const chat = await insertGroupChat(db);
    const row = await insertGroup(db, { chat_id: chat.id, name, category });
    await addMembers(db, row, [uidOf(owner)], 'owner');
    for (let i = 0; i < rest.length; i += 1000) await addMembers(db, row, rest.slice(i, i + 1000).map(uidOf), 'member');
    chats.push({ chatId: chat.id, kind: category, sender: owner, receivers: rest });
  };
  await inLanes(layout.small, 8, (members, g) => group(members, 'small', `load small ${g}`));
  if (layout.large.length > 1) await group(layout.large, 'large', 'load large group');
  return { users, chats };
}
