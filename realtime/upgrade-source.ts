import { safeEqual } from '../shared/auth/random.ts';
import { FORWARDED_BY_HEADER } from '../shared/auth/forwarding-key.ts';
import { judgeOrigin, type OriginPolicy } from '../shared/http/origins.ts';
import type { HttpRequest, HttpResponse } from './uws.ts';

export interface UpgradeSource {
  /** The Origin header: '' from clients that are not browsers. */
  origin: string;
  /** The client's address: the api's `X-Forwarded-For` (one address) when the api forwarded the upgrade, else the peer's. */
  clientAddress: string;
  /** A browser page on an origin that may not connect (close 4004). */
  originRefused: boolean;
}

/**
 * Where an upgrade comes from, read synchronously in uWS's upgrade handler. A page on the server's own
 * origin (its Host, kept as is by the api's forwarding and by the nginx edge) or on an origin of
 * CORS_ORIGINS may connect; clients that send no Origin are not browsers and are not judged.
 * Forwarding headers count only with the api's key (`forwardingKey`); anyone else's are ignored.
 */
export function readUpgradeSource(res: HttpResponse, req: HttpRequest, policy: OriginPolicy, trustedForwardingKey: string | null): UpgradeSource {
  const origin = req.getHeader('origin');
  const forwardedBy = req.getHeader(FORWARDED_BY_HEADER);
  const forwarded = trustedForwardingKey !== null && forwardedBy !== '' && safeEqual(forwardedBy, trustedForwardingKey);
  const forwardedFor = forwarded ? req.getHeader('x-forwarded-for').trim() : '';
  const clientAddress = forwardedFor || Buffer.from(res.getRemoteAddressAsText()).toString();
  return { origin, clientAddress, originRefused: judgeOrigin(policy, origin, req.getHeader('host')) === 'refused' };
}
