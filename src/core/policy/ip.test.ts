import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from './ip.js';

const inBlock = (block: string, addr: string): boolean => {
  const b = parseCidr(block);
  const a = parseIp(addr);
  if (b === undefined || a === undefined) throw new Error(`bad test input ${block} ${addr}`);
  return cidrContains(b, a);
};

describe('parseIp', () => {
  it.each([
    ['192.0.2.1', false, 0xc0000201n],
    ['0.0.0.0', false, 0n],
    ['255.255.255.255', false, 0xffffffffn],
    ['::', true, 0n],
    ['::1', true, 1n],
    ['2001:db8::1', true, 0x20010db8000000000000000000000001n],
    ['2001:DB8:0:0:0:0:0:1', true, 0x20010db8000000000000000000000001n],
    ['fe80::1%eth0', true, 0xfe800000000000000000000000000001n],
    ['::ffff:192.0.2.1', false, 0xc0000201n],
    ['::ffff:c000:0201', false, 0xc0000201n],
    ['64:ff9b::192.0.2.1', true, 0x0064ff9b0000000000000000c0000201n],
  ])('%s', (text, v6, bits) => {
    expect(parseIp(text)).toEqual({ v6, bits });
  });

  it.each(['', '1.2.3', '1.2.3.256', '1.2.3.4.5', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', 'localhost'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('parseCidr / cidrContains', () => {
  it('matches IPv4 blocks', () => {
    expect(inBlock('10.0.0.0/8', '10.255.1.2')).toBe(true);
    expect(inBlock('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(inBlock('192.0.2.0/24', '192.0.2.255')).toBe(true);
    expect(inBlock('192.0.2.0/24', '192.0.3.0')).toBe(false);
    expect(inBlock('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inBlock('203.0.113.7', '203.0.113.7')).toBe(true);
    expect(inBlock('203.0.113.7/32', '203.0.113.8')).toBe(false);
  });

  it('masks host bits written in the policy block', () => {
    expect(inBlock('10.1.2.3/8', '10.200.0.1')).toBe(true);
  });

  it('matches IPv6 blocks', () => {
    expect(inBlock('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
    expect(inBlock('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(inBlock('::/0', '2001:db8::1')).toBe(true);
    expect(inBlock('::1', '::1')).toBe(true);
    expect(inBlock('fd00::/8', 'fdff::1')).toBe(true);
  });

  it('keeps the families apart, except for mapped addresses', () => {
    expect(inBlock('0.0.0.0/0', '::1')).toBe(false);
    expect(inBlock('::/0', '1.2.3.4')).toBe(true); // ::ffff:1.2.3.4 lies in ::/0
    expect(inBlock('2001:db8::/32', '1.2.3.4')).toBe(false);
    expect(inBlock('::ffff:0:0/96', '192.0.2.1')).toBe(true);
    expect(inBlock('192.0.2.0/24', '::ffff:192.0.2.9')).toBe(true);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', '2001:db8::/129', 'nope/8', '10.0.0.0/-1'])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});
