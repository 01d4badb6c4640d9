import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import type { PushPayload } from '../../contracts/push.ts';
import type { PushSubscriptionRow } from '../../db/repositories/push-subscriptions.repository.ts';
import { headerText, type Http2Client } from './http2-client.ts';
import { checkPushStatus, DeviceGoneError, PushRetryError, type PushProvider } from './push-provider.ts';

export interface ApnsOptions {
  host: string;
  keyFile: string;
  keyId: string;
  teamId: string;
  topic: string;
  http2: Http2Client;
}

/** Apple wants the provider token renewed between 20 and 60 minutes. */
const TOKEN_LIFETIME_MS = 40 * 60 * 1000;

/**
 * APNs over HTTP/2 with token authentication: an ES256 JWT (`iss` the team, `kid` the key) signed
 * with the .p8 key, `POST /3/device/{token}`.
 */
export function apnsProvider(options: ApnsOptions): PushProvider {
  const key = readFileSync(options.keyFile, 'utf8');
  let cached: { token: string; until: number } | null = null;
  const providerToken = () => {
    if (cached && cached.until > Date.now()) return cached.token;
    const token = jwt.sign({}, key, { algorithm: 'ES256', issuer: options.teamId, keyid: options.keyId });
    cached = { token, until: Date.now() + TOKEN_LIFETIME_MS };
    return token;
  };

  return {
    async send(device: PushSubscriptionRow, payload: PushPayload, { collapseKey }) {
      const body = {
        aps: { alert: { title: payload.title, body: payload.body }, sound: 'default', 'thread-id': payload.chat_id ?? payload.type, ...(payload.type === 'messages' ? { badge: payload.count } : {}) },
        wetty: payload,
      };
      const url = `${options.host.replace(/\/$/, '')}/3/device/${encodeURIComponent(device.address)}`;
      let answer;
      try {
        answer = await options.http2.request(
          url,
          {
            authorization: `bearer ${providerToken()}`,
            'apns-topic': options.topic,
            'apns-push-type': 'alert',
            'apns-priority': '10',
            'apns-expiration': String(Math.floor(Date.now() / 1000) + 24 * 3600),
            'apns-collapse-id': collapseKey,
            'content-type': 'application/json',
          },
          JSON.stringify(body),
        );
      } catch (err) {
        throw new PushRetryError(`APNs unreachable: ${(err as Error).message}`, null);
      }
      if (answer.status === 403 && answer.body.includes('ExpiredProviderToken')) {
        cached = null;
        throw new PushRetryError('APNs: provider token expired', 0);
      }
      if (answer.status === 400 && /BadDeviceToken|DeviceTokenNotForTopic/.test(answer.body)) throw new DeviceGoneError(`APNs: ${answer.body}`);
      checkPushStatus('APNs', answer.status, headerText(answer.headers['retry-after']), answer.body);
    },
  };
}
