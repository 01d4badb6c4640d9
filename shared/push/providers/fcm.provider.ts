import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { PushPayload } from '../../contracts/push.ts';
import type { PushSubscriptionRow } from '../../db/repositories/push-subscriptions.repository.ts';
import { headerText, type Http2Client } from './http2-client.ts';
import { checkPushStatus, DeviceGoneError, PushRetryError, retryAfterMs, type PushProvider } from './push-provider.ts';

const ServiceAccount = z.object({
  project_id: z.string().min(1),
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  token_uri: z.string().url().optional(),
});

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export interface FcmOptions {
  endpoint: string;
  serviceAccountFile: string;
  /** Where the signed assertion is exchanged for an access token; else the service account's `token_uri`. */
  tokenUri: string | null;
  http2: Http2Client;
}

/**
 * FCM HTTP v1: an OAuth 2 access token from a service account (an RS256 JWT assertion exchanged at
 * the token URI, kept until shortly before it expires), then `POST /v1/projects/{id}/messages:send`
 * over HTTP/2.
 */
export function fcmProvider(options: FcmOptions): PushProvider {
  const account = ServiceAccount.parse(JSON.parse(readFileSync(options.serviceAccountFile, 'utf8')));
  const tokenUri = options.tokenUri ?? account.token_uri ?? 'https://oauth2.googleapis.com/token';
  let cached: { token: string; until: number } | null = null;

  const accessToken = async (): Promise<string> => {
    if (cached && cached.until > Date.now()) return cached.token;
    const assertion = jwt.sign({ scope: SCOPE }, account.private_key, { algorithm: 'RS256', issuer: account.client_email, audience: tokenUri, expiresIn: 3600 });
    let response: Response;
    try {
      response = await fetch(tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new PushRetryError(`FCM token endpoint unreachable: ${(err as Error).message}`, null);
    }
    if (!response.ok) throw new PushRetryError(`FCM token endpoint answered ${response.status}`, retryAfterMs(response.headers.get('retry-after')));
    const body = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }).parse(await response.json());
    cached = { token: body.access_token, until: Date.now() + Math.max(0, body.expires_in - 60) * 1000 };
    return cached.token;
  };

  return {
    async send(device: PushSubscriptionRow, payload: PushPayload, { collapseKey }) {
      const message = {
        token: device.address,
        notification: { title: payload.title, body: payload.body },
        data: { payload: JSON.stringify(payload) },
        android: { collapse_key: collapseKey, priority: 'high' },
      };
      const url = `${options.endpoint.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`;
      let answer;
      try {
        answer = await options.http2.request(url, { authorization: `Bearer ${await accessToken()}`, 'content-type': 'application/json' }, JSON.stringify({ message }));
      } catch (err) {
        if (err instanceof PushRetryError) throw err;
        throw new PushRetryError(`FCM unreachable: ${(err as Error).message}`, null);
      }
      if (answer.status === 401) cached = null;
      // An unregistered token is 404 UNREGISTERED; FCM also names it with 400 for a malformed one.
      if (answer.status === 400 && answer.body.includes('registration token is not a valid FCM registration token')) throw new DeviceGoneError('FCM: invalid registration token');
      checkPushStatus('FCM', answer.status === 401 ? 503 : answer.status, headerText(answer.headers['retry-after']), answer.body);
    },
  };
}
