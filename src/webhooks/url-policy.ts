/**
 * Which URLs an endpoint may have: http(s) only, and no address in a private,
 * loopback, link-local or otherwise internal range unless the operator allows
 * it (LEDGER_WEBHOOK_ALLOW). A host name is resolved and every address it
 * resolves to is checked at registration, and again where each delivery
 * connects (http-post.ts: a name may be pointed elsewhere later); redirects
 * are never followed.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../config.js';

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // IPv4-compatible (::a.b.c.d, deprecated), the unspecified and loopback addresses among them.
  ['::', 96],
  // IPv4-translated (SIIT, ::ffff:0:a.b.c.d): only ever a translator's inside.
  ['::ffff:0:0:0', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local (deprecated, still routed inside some networks).
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** An IPv6 address's eight 16-bit groups (the URL parser and DNS give it in any valid form). */
function groupsOf(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (side: string | undefined) => (side ? side.split(':').map((g) => parseInt(g, 16)) : []);
  const front = part(head);
  const back = part(tail);
  return tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const ipv4Of = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 address carries and reaches, to be judged as that address: IPv4-mapped
 * (`::ffff:10.0.0.1`, also written `::ffff:a00:1`), NAT64's well-known prefix (`64:ff9b::/96`) and 6to4
 * (`2002:aabb:ccdd::/48`). Any other address is itself.
 */
function unmapped(address: string): string {
  if (isIP(address) !== 6) return address;
  const g = groupsOf(address);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return ipv4Of(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Of(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4Of(g[1]!, g[2]!);
  return address;
}

export function isInternalAddress(address: string): boolean {
  const plain = unmapped(address);
  return INTERNAL.check(plain, family(plain));
}

export class AllowList {
  private constructor(
    private readonly everything: boolean,
    private readonly hosts: Set<string>,
    private readonly ranges: BlockList,
  ) {}

  static parse(text: string): AllowList {
    const hosts = new Set<string>();
    const ranges = new BlockList();
    let everything = false;
    for (const entry of text
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean)) {
      if (entry === '*') everything = true;
      else if (entry.includes('/')) {
        const [network, bits] = entry.split('/');
        const prefix = Number(bits);
        if (!isIP(network!) || !/^\d{1,3}$/.test(bits!) || prefix > (isIP(network!) === 6 ? 128 : 32)) {
          throw new ConfigError('LEDGER_WEBHOOK_ALLOW', `"${entry}" is not a CIDR range such as 10.0.0.0/8`);
        }
        ranges.addSubnet(network!, prefix, family(network!));
      } else if (isIP(entry)) ranges.addAddress(entry, family(entry));
      else if (/^[a-z0-9.-]{1,253}$/.test(entry)) hosts.add(entry);
      else
        throw new ConfigError('LEDGER_WEBHOOK_ALLOW', `"${entry}" is not a host name, an address, a CIDR range or *`);
    }
    return new AllowList(everything, hosts, ranges);
  }

  allows(host: string, address: string): boolean {
    const plain = unmapped(address);
    return this.everything || this.hosts.has(host.toLowerCase()) || this.ranges.check(plain, family(plain));
  }
}

/** What is wrong with a URL's form, or undefined. */
export function urlFormProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute URL such as https://example.com/hooks';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `url must use http or https, not ${url.protocol.replace(':', '')}`;
  if (url.username || url.password) return 'url must not carry credentials: the signature authenticates the ledger';
  return undefined;
}

/** Why the URL's host may not be reached (an internal address not allowed, or a name that does not resolve), or undefined. */
export async function targetProblem(text: string, allow: AllowList): Promise<string | undefined> {
  const host = new URL(text).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (error) {
    return `the host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  const blocked = addresses.find((address) => isInternalAddress(address) && !allow.allows(host, address));
  return blocked
    ? `${host} resolves to ${blocked}, an internal address; allow it with LEDGER_WEBHOOK_ALLOW`
    : undefined;
}
