import { expect } from 'chai';
import { isPublicAddress } from '../../shared/http/safe-address.ts';

describe('webhook addresses: only public unicast ones are delivered to', () => {
  it('accepts public IPv4 and IPv6 addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2001:4860:4860::8888', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).to.equal(true);
    }
  });

  it('refuses loopback, private, link-local, shared, multicast, reserved and unspecified addresses, in every spelling', () => {
    const refused = [
      '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
      // IPv4-mapped and IPv4-carrying IPv6 forms of loopback and private addresses.
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '0:0:0:0:0:ffff:c0a8:0101', '64:ff9b::7f00:1', '2002:7f00:1::', '2001::1',
      'not an address', '',
    ];
    for (const address of refused) expect(isPublicAddress(address), address).to.equal(false);
  });
});
