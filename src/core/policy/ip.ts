/**
 * IPv4 and IPv6 addresses and CIDR blocks for `IpAddress` / `NotIpAddress`.
 *
 * IAM User Guide, "IP address condition operators": values are in CIDR format (RFC 4632);
 * a bare address means a single host (/32, /128). An IPv4-mapped IPv6 request address
 * (`::ffff:192.0.2.1`, as a dual-stack socket reports it) is compared as IPv4.
 */

/** A parsed address: IPv4 as a 32-bit value, IPv6 as a 128-bit value. */
export interface IpAddr {
  v6: boolean;
  bits: bigint;
}

/** A parsed CIDR block. */
export interface Cidr {
  v6: boolean;
  /** The network, already masked. */
  network: bigint;
  prefix: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

function parseV4(text: string): bigint | undefined {
  const m = V4.exec(text);
  if (m === null) return undefined;
  let out = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    out = (out << 8n) | BigInt(octet);
  }
  return out;
}

function parseHextets(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  for (const h of text.split(':')) {
    if (!HEXTET.test(h)) return undefined;
    out.push(parseInt(h, 16));
  }
  return out;
}

function parseV6(input: string): bigint | undefined {
  let text = input;
  // A zone id (`fe80::1%eth0`) is not part of the address.
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // Trailing embedded IPv4: `::ffff:192.0.2.1`.
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    text = text.slice(0, lastColon + 1);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const gap = text.indexOf('::');
  let groups: number[];
  if (gap >= 0) {
    if (text.indexOf('::', gap + 1) >= 0) return undefined;
    const head = parseHextets(text.slice(0, gap));
    const rest = parseHextets(text.slice(gap + 2));
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    const all = parseHextets(text);
    if (all === undefined) return undefined;
    groups = [...all, ...tail];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): IpAddr | undefined {
  const t = text.trim();
  const v4 = parseV4(t);
  if (v4 !== undefined) return { v6: false, bits: v4 };
  if (!t.includes(':')) return undefined;
  const v6 = parseV6(t);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === MAPPED_PREFIX >> 32n) return { v6: false, bits: v6 & 0xffffffffn };
  return { v6: true, bits: v6 };
}

function mask(v6: boolean, prefix: number): bigint {
  const width = v6 ? 128 : 32;
  const all = (1n << BigInt(width)) - 1n;
  return (all >> BigInt(width - prefix)) << BigInt(width - prefix);
}

/** Parses `addr` or `addr/prefix`; `undefined` when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const t = addrText.trim();
  // Keep a policy's IPv6 block IPv6 even when written in mapped form.
  const v4 = parseV4(t);
  const v6 = v4 === undefined && t.includes(':') ? parseV6(t) : undefined;
  if (v4 === undefined && v6 === undefined) return undefined;
  const isV6 = v4 === undefined;
  const width = isV6 ? 128 : 32;
  let prefix = width;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return undefined;
    prefix = Number(p);
  }
  const bits = (v4 ?? v6)!;
  return { v6: isV6, network: bits & mask(isV6, prefix), prefix };
}

/** Whether `addr` lies in `block`. An IPv4 block matches an IPv4 (or mapped) address only. */
export function cidrContains(block: Cidr, addr: IpAddr): boolean {
  if (block.v6 !== addr.v6) {
    // `::ffff:0:0/96`-style policy blocks cover mapped IPv4 addresses.
    if (block.v6 && !addr.v6) return ((MAPPED_PREFIX | addr.bits) & mask(true, block.prefix)) === block.network;
    return false;
  }
  return (addr.bits & mask(block.v6, block.prefix)) === block.network;
}
