import { describe, expect, it } from 'vitest';

import { formatAddress, parseAddress } from '../src/address.js';

describe('addresses', () => {
  it.each([
    ['10000', { host: '127.0.0.1', port: 10000 }],
    ['localhost:10001', { host: 'localhost', port: 10001 }],
    ['192.0.2.7:80', { host: '192.0.2.7', port: 80 }],
    ['[::1]:10002', { host: '::1', port: 10002 }],
    ['65535', { host: '127.0.0.1', port: 65535 }],
  ])('reads %s', (text, address) => {
    expect(parseAddress(text)).toEqual(address);
  });

  it.each([
    ['abc', /'abc' is not a port number/],
    [':', /missing host/],
    [':10000', /missing host/],
    ['host:', /missing port/],
    ['0', /a port is from 1 to 65535/],
    ['70000', /a port is from 1 to 65535/],
    ['::1:10000', /put an IPv6 address in brackets/],
    ['[127.0.0.1]:80', /brackets are for IPv6/],
    ['10000x', /not a port number/],
  ])('rejects %s as a usage error', (text, message) => {
    expect(() => parseAddress(text)).toThrow(message);
    expect(() => parseAddress(text)).toThrow(/expected PORT, HOST:PORT or \[IPV6\]:PORT/);
    try {
      parseAddress(text);
    } catch (error) {
      expect((error as Error).name).toBe('UsageError');
    }
  });

  it('writes IPv6 hosts in brackets', () => {
    expect(formatAddress({ host: '::1', port: 10000 })).toBe('[::1]:10000');
    expect(formatAddress({ host: '127.0.0.1', port: 10000 })).toBe('127.0.0.1:10000');
  });
});
