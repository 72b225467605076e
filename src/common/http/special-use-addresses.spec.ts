import { isLoopbackAddress, isSpecialUseAddress, specialUseReason } from './special-use-addresses.js';

describe('special-use address table (IANA registries, RFC 6890)', () => {
  it.each([
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.0.1',
    '169.254.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.44', '192.31.196.1',
    '192.52.193.1', '192.88.99.1', '192.168.0.1', '192.175.48.1', '198.18.0.1', '198.19.255.255', '198.51.100.7',
    '203.0.113.9', '224.0.0.1', '239.255.255.255', '240.0.0.1', '255.255.255.255',
    '::', '::1', '::127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:8.8.8.8',
    '64:ff9b::a9fe:a9fe', '64:ff9b:1::1', '100::1', '2001::1', '2001:2::1', '2001:10::1', '2001:20::1', '2001:db8::1',
    '2002:7f00:1::1', '3fff::1', '5f00::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1',
  ])('%s is special-use', (address) => {
    expect(isSpecialUseAddress(address)).toBe(true);
    expect(specialUseReason(address)).toMatch(/\/\d+ /);
  });

  it.each(['1.1.1.1', '8.8.8.8', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.15.255.255', '172.32.0.1', '192.167.1.1',
    '198.17.255.255', '198.20.0.1', '223.255.255.255', '2606:4700:4700::1111', '2a00:1450:4001::200e', '2001:4860:4860::8888'])(
    '%s is globally reachable',
    (address) => {
      expect(specialUseReason(address)).toBeUndefined();
    },
  );

  it.each(['0177.0.0.1', '2130706433', '0x7f.1', '127.1', 'localhost', '', 'not an ip'])('%s is not an address the platform parses, so it counts as special-use', (value) => {
    expect(specialUseReason(value)).toBe('not an IP address');
  });

  it('knows loopback for the development exception', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['10.0.0.1', '::2', '169.254.169.254', 'localhost']) expect(isLoopbackAddress(address)).toBe(false);
  });
});
