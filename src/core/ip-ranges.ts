import { BlockList, isIP } from 'node:net';

/** An IP (v4 or v6) or a CIDR range, parsed; undefined for anything else. */
function ipRange(entry: string): { address: string; type: 'ipv4' | 'ipv6'; bits: number | undefined } | undefined {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return undefined;
  if (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))) return undefined;
  return { address, type: family === 6 ? 'ipv6' : 'ipv4', bits: bits === undefined ? undefined : Number(bits) };
}

/** True for an IP or a CIDR range whose prefix length fits its family (`--trust-proxy`, allowlists). */
export const isIpOrRange = (entry: string): boolean => ipRange(entry) !== undefined;

/** Whether an address is one of `entries` (IPs and CIDR ranges); entries that are neither are ignored. */
export function ipRangeMatcher(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const range = ipRange(entry);
    if (!range) continue;
    if (range.bits === undefined) list.addAddress(range.address, range.type);
    else list.addSubnet(range.address, range.bits, range.type);
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}
