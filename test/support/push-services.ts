import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

/** One request a local push service received. */
export interface ReceivedPush {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  at: number;
}

/** How the service answers a request to a path: a status and headers; by default 201. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string };

export interface LocalService {
  url: string;
  received: ReceivedPush[];
  /** Answers for one path, in order (the last one repeats); paths without answers get the default. */
  answers: Map<string, Answer[]>;
  close(): Promise<void>;
}

function nextAnswer(answers: Map<string, Answer[]>, path: string, fallback: Answer): Answer {
  const queue = answers.get(path);
  if (!queue || queue.length === 0) return fallback;
  return queue.length > 1 ? (queue.shift() as Answer) : (queue[0] as Answer);
}

/** A Web Push service (RFC 8030) on loopback: records every push and answers 201 unless told otherwise. */
export async function startWebPushService(): Promise<LocalService> {
  const received: ReceivedPush[] = [];
  const answers = new Map<string, Answer[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      const answer = nextAnswer(answers, path, { status: 201 });
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * What a browser holds for one push subscription: an ECDH P-256 key pair and an auth secret. It
 * decrypts what the push service hands it (RFC 8291 over RFC 8188 aes128gcm), with node:crypto only.
 */
export function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  const uaPublic = ecdh.getPublicKey();
  return {
    endpoint,
    keys: { p256dh: uaPublic.toString('base64url'), auth: authSecret.toString('base64url') },
    decrypt(body: Buffer): unknown {
      const salt = body.subarray(0, 16);
      const recordSize = body.readUInt32BE(16);
      const idLength = body.readUInt8(20);
      const asPublic = body.subarray(21, 21 + idLength);
      const ciphertext = body.subarray(21 + idLength);
      if (ciphertext.length > recordSize) throw new Error('more than one record');
      const hmac = (key: Buffer, ...data: Buffer[]) => createHmac('sha256', key).update(Buffer.concat(data)).digest();
      const ecdhSecret = ecdh.computeSecret(asPublic);
      const prkKey = hmac(authSecret, ecdhSecret);
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
      const ikm = hmac(prkKey, keyInfo, Buffer.from([1]));
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), Buffer.from([1])).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), Buffer.from([1])).subarray(0, 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end--;
      if (padded[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
      return JSON.parse(padded.subarray(0, end).toString('utf8'));
    },
  };
}

/** A raw P-256 public key (65 bytes, base64url) as a KeyObject. */
export function p256PublicKey(raw: string): KeyObject {
  const point = Buffer.from(raw, 'base64url');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') }, format: 'jwk' });
}

/** Checks a VAPID `Authorization: vapid t=…, k=…` header (RFC 8292) against the server's public key; answers the JWT claims. */
export function verifyVapid(header: string | undefined, publicKey: string): jwt.JwtPayload {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a VAPID authorization: ${header}`);
  if (match[2] !== publicKey) throw new Error('the VAPID key is not the server\'s');
  return jwt.verify(match[1] as string, p256PublicKey(publicKey), { algorithms: ['ES256'] }) as jwt.JwtPayload;
}

/** FCM HTTP v1 on loopback: an OAuth token endpoint (HTTP/1.1) and the send endpoint (HTTP/2, h2c). */
export async function startFcm(projectId: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `wetty@${projectId}.iam.gserviceaccount.com`;
  const accessToken = `ya29.${randomBytes(12).toString('hex')}`;
  const tokenRequests: jwt.JwtPayload[] = [];
  const tokenServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('grant_type');
        const claims = jwt.verify(form.get('assertion') ?? '', publicKey, { algorithms: ['RS256'], issuer: clientEmail, audience: tokenUrl }) as jwt.JwtPayload;
        if (claims.scope !== 'https://www.googleapis.com/auth/firebase.messaging') throw new Error('scope');
        tokenRequests.push(claims);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: accessToken, expires_in: 3600, token_type: 'Bearer' }));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant', error_description: (err as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  const send = await startH2((stream, headers, body) => {
    if (headers[':path'] !== `/v1/projects/${projectId}/messages:send` || headers.authorization !== `Bearer ${accessToken}`) {
      stream.respond({ ':status': 401 });
      stream.end('{"error":{"status":"UNAUTHENTICATED"}}');
      return false;
    }
    const token = (JSON.parse(body.toString()) as { message: { token: string } }).message.token;
    if (token.startsWith('gone')) {
      stream.respond({ ':status': 404, 'content-type': 'application/json' });
      stream.end('{"error":{"code":404,"status":"NOT_FOUND","details":[{"errorCode":"UNREGISTERED"}]}}');
      return true;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ name: `projects/${projectId}/messages/${randomBytes(4).toString('hex')}` }));
    return true;
  });
  const serviceAccount = { type: 'service_account', project_id: projectId, client_email: clientEmail, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: tokenUrl };
  return {
    serviceAccount,
    tokenUrl,
    endpoint: send.url,
    received: send.received,
    tokenRequests,
    close: async () => {
      await send.close();
      await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
    },
  };
}

/** APNs on loopback (HTTP/2, h2c): checks the ES256 provider token and the topic. */
export async function startApns(options: { keyId: string; teamId: string; topic: string }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = await startH2((stream, headers) => {
    const token = String(headers.authorization ?? '').replace(/^bearer /, '');
    try {
      const decoded = jwt.verify(token, publicKey, { algorithms: ['ES256'], issuer: options.teamId, complete: true });
      if (decoded.header.kid !== options.keyId) throw new Error('kid');
      if (headers['apns-topic'] !== options.topic) throw new Error('topic');
    } catch {
      stream.respond({ ':status': 403, 'content-type': 'application/json' });
      stream.end('{"reason":"InvalidProviderToken"}');
      return false;
    }
    if (String(headers[':path']).startsWith('/3/device/0000')) {
      stream.respond({ ':status': 410, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ reason: 'Unregistered', timestamp: Date.now() }));
      return true;
    }
    stream.respond({ ':status': 200, 'apns-id': randomBytes(16).toString('hex') });
    stream.end();
    return true;
  });
  return { ...server, p8: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** An HTTP/2 cleartext (h2c) server that records the requests its handler accepts. */
async function startH2(handle: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body: Buffer) => boolean) {
  const received: ReceivedPush[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      if (handle(stream, headers, body)) received.push({ path: String(headers[':path']), headers, body, at: Date.now() });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
