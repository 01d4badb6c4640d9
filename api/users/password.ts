import { hash, verify } from '@node-rs/argon2';
import { randomBase62 } from '../../shared/auth/random.ts';

// @node-rs/argon2 defaults to argon2id (m=19 MiB, t=2, p=1), OWASP's recommended minimum.
export const hashPassword = (password: string): Promise<string> => hash(password);

// Verified against when the username does not exist, so both failures take the same time.
const decoyHash = hash(randomBase62(32));

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    await verify(await decoyHash, password);
    return false;
  }
  return verify(passwordHash, password);
}
