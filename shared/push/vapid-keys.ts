import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const KeysFile = z.object({ publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/), privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * The VAPID key pair: `VAPID_PUBLIC_KEY` / `VAPID_PRIVATE_KEY` when set, else the pair in
 * `VAPID_KEYS_FILE`, made on first use. The file is created exclusively, so an api and a worker
 * starting together on one host agree on one pair; hosts that do not share the file need the
 * variables (every process must sign with the key browsers subscribed with).
 */
export function vapidKeySource(options: { keys: VapidKeys | null; keysFile: string }): () => Promise<VapidKeys> {
  let loading: Promise<VapidKeys> | null = null;
  return () => {
    if (options.keys) return Promise.resolve(options.keys);
    loading ??= loadOrCreate(options.keysFile).catch((err: unknown) => {
      loading = null;
      throw err;
    });
    return loading;
  };
}

async function loadOrCreate(file: string): Promise<VapidKeys> {
  try {
    return KeysFile.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`VAPID_KEYS_FILE ${file} is not a VAPID key pair: ${(err as Error).message}`);
  }
  const fresh = webpush.generateVAPIDKeys();
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, `${JSON.stringify(fresh)}\n`, { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process made it first: use theirs. It may still be writing.
    for (let i = 0; ; i++) {
      try {
        return KeysFile.parse(JSON.parse(await readFile(file, 'utf8')));
      } catch (readErr) {
        if (i >= 20) throw readErr;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
