import { randomBytes } from 'node:crypto';
import http from 'node:http';

export interface ApiAnswer {
  status: number;
  /** The parsed JSON body, or null when the body was empty or not JSON. */
  body: any;
}

export interface RequestOptions {
  /** A user's session token (`Authorization: Bearer`). */
  token?: string;
  /** Any other `Authorization` header (the operator's Basic credentials). */
  authorization?: string;
  body?: unknown;
}

export interface BenchUser {
  uid: string;
  token: string;
}

/**
 * The benchmarks' HTTP client: a bounded keep-alive pool, as a real client or edge has (past it,
 * requests wait in the client and show as latency instead of opening ever more connections).
 */
export class BenchApi {
  readonly #baseUrl: string;
  readonly #agent: http.Agent;

  constructor(baseUrl: string, maxSockets: number) {
    this.#baseUrl = baseUrl;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
    if (authorization) headers.authorization = authorization;
    if (payload) headers['content-length'] = Buffer.byteLength(payload);
    return new Promise((resolve, reject) => {
      const req = http.request(this.#baseUrl + path, { method, agent: this.#agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseJson(text) }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Registers and logs in a new user named `<stem>_<i>_<random>`. */
  async user(stem: string, i: number): Promise<BenchUser> {
    const credentials = { username: `${stem}_${i}_${randomBytes(3).toString('hex')}`, password: 'bench-password' };
    const registered = await this.request('POST', '/users/auth/register', { body: credentials });
    if (registered.status !== 201) throw new Error(`registering answered ${registered.status}: ${JSON.stringify(registered.body)}`);
    const login = await this.request('POST', '/users/auth/login', { body: { ...credentials, client_type: 'mobile' } });
    return { uid: registered.body.uid as string, token: login.body.token as string };
  }

  /** `count` direct chats between new pairs of friends (the receiver accepts anyone), ten set up at a time. */
  async directChats(stem: string, count: number): Promise<{ sender: BenchUser; receiver: BenchUser; chatId: string }[]> {
    const chats = [];
    for (let i = 0; i < count; i += 10) {
      chats.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, count - i) }, async (_, k) => {
            const [sender, receiver] = [await this.user(stem, 2 * (i + k)), await this.user(stem, 2 * (i + k) + 1)];
            await this.request('PUT', '/users/profile', { token: receiver.token, body: { add_friend_setting: 'anyone' } });
            const applied = await this.request('POST', '/friend/apply', { token: sender.token, body: { target_user_id: receiver.uid } });
            if (typeof applied.body?.chat_id !== 'string') throw new Error(`befriending answered ${applied.status}: ${JSON.stringify(applied.body)}`);
            return { sender, receiver, chatId: applied.body.chat_id as string };
          }),
        )),
      );
    }
    return chats;
  }

  close(): void {
    this.#agent.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
