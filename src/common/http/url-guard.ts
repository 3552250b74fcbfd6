import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

import { buildConnector } from 'undici';

const blocked = new BlockList();
// IPv4: unspecified, private, CGNAT, loopback, link-local, IETF, benchmarking, multicast, reserved.
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
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
// IPv6: unspecified, loopback, discard, unique-local, link-local, site-local, multicast.
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address embedded in an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour) {
    const high = parseInt(sixToFour[1], 16);
    const low = parseInt(sixToFour[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return undefined;
}

/**
 * Whether `address` (an IP literal) is loopback, private, link-local, CGNAT, multicast, reserved
 * or unspecified, IPv4 or IPv6, including IPv4-mapped and NAT64/6to4 forms (D12).
 * Non-IP input counts as private (refuse what cannot be classified).
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== undefined) return blocked.check(v4, 'ipv4');
    return blocked.check(bare, 'ipv6');
  }
  return true;
}

export interface OutboundUrlOptions {
  /** ALLOW_PRIVATE_TARGETS (D12). */
  allowPrivate: boolean;
  /** Name used in the error text, e.g. `url`. */
  field: string;
}

/**
 * Checks an outbound URL when it is configured (D12): http(s) only, a host, no credentials in
 * the URL, and no private address literal or `localhost` unless private targets are allowed.
 * Host names are resolved and checked again at connect time by {@link assertPublicHost}.
 * @returns an error text, or `null` when acceptable
 */
export function checkOutboundUrl(raw: unknown, options: OutboundUrlOptions): string | null {
  if (typeof raw !== 'string' || !raw.trim()) return `${options.field} must be an http(s) URL`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return `${options.field} must be a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${options.field} must use http or https`;
  if (!url.hostname) return `${options.field} must name a host`;
  if (options.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal')
  ) {
    return `${options.field} must not point to a private or loopback address`;
  }
  if (isIP(host) && isPrivateAddress(host))
    return `${options.field} must not point to a private or loopback address`;
  return null;
}

export class PrivateTargetError extends Error {
  constructor(host: string) {
    super(`Refusing to connect to ${host}: it resolves to a private or loopback address`);
    this.name = 'PrivateTargetError';
  }
}

/**
 * Resolves `host` and throws {@link PrivateTargetError} when any of its addresses is private
 * (D12, connect-time check). Returns the addresses so the caller can connect to a checked one.
 */
export async function assertPublicHost(host: string, allowPrivate: boolean): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare)
    ? [bare]
    : (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
  if (!allowPrivate && addresses.some((address) => isPrivateAddress(address)))
    throw new PrivateTargetError(host);
  return addresses;
}

/**
 * An undici connector that applies D12 at connect time: the host name is resolved and checked
 * with {@link assertPublicHost} and the socket goes to the checked address (no DNS rebinding
 * between check and connect); TLS still verifies the original name. With `allowPrivate`
 * (ALLOW_PRIVATE_TARGETS) it is undici's plain connector.
 * @param timeoutMs connect timeout, ms
 */
export function guardedConnector(allowPrivate: boolean, timeoutMs: number): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs });
  if (allowPrivate) return base;
  return (options, callback) => {
    assertPublicHost(options.hostname, false).then(
      (addresses) =>
        base(
          {
            ...options,
            hostname: addresses[0],
            servername: options.servername ?? options.hostname.replace(/^\[|\]$/g, ''),
          },
          callback,
        ),
      (error: Error) => callback(error, null),
    );
  };
}
