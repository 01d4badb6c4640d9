import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Whether an address is a public unicast one. Loopback, private, link-local, unique-local, carrier
 * NAT, multicast, reserved and unspecified addresses are not; IPv4-mapped IPv6 (`::ffff:127.0.0.1`)
 * and other IPv6 forms of IPv4 are judged as the IPv4 address they carry.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const range = v6.range();
    // 6to4 and Teredo embed IPv4 addresses a router may reach: judge them by what they carry.
    if (range === '6to4') return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(2, 6)).toString());
    if (range === 'rfc6052' || range === 'rfc6145') return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(12, 16)).toString());
    if (range === 'teredo') return false;
    return range === 'unicast';
  }
  return parsed.range() === 'unicast';
}

export class PrivateAddressError extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`${host} resolves to ${address}, a loopback or private address`);
    this.name = 'PrivateAddressError';
  }
}

/** The host of a URL without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Every address a URL's host stands for (itself when it is an address literal). */
export async function resolveHost(url: URL): Promise<string[]> {
  const host = hostOf(url);
  if (isIP(host)) return [host];
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (err, found) => (err ? reject(err) : resolve(found))));
  return addresses.map((a) => a.address);
}

/** Refuses a URL whose host is, or resolves to, an address that is not public. */
export async function assertPublicUrl(url: URL): Promise<void> {
  for (const address of await resolveHost(url)) {
    if (!isPublicAddress(address)) throw new PrivateAddressError(hostOf(url), address);
  }
}

/**
 * A `lookup` for `http.request` that refuses non-public answers: the address checked is the one
 * connected to, so a name that resolves differently at delivery time (DNS rebinding) gains nothing.
 */
export const publicOnlyLookup: typeof dnsLookup = ((hostname: string, options: object, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new PrivateAddressError(hostname, refused.address), '');
    if ((options as { all?: boolean }).all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname} has no address`), '');
    return callback(null, first.address, first.family);
  });
}) as typeof dnsLookup;
