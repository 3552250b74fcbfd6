import type { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';

import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';

import type { ProxyCredentials } from './proxy.service';

/** The proxy URL of an instance's proxy, credentials percent-encoded. Never log it. */
export function proxyUrl(proxy: ProxyCredentials): string {
  const scheme = proxy.protocol === 'socks5' ? 'socks5h' : proxy.protocol;
  const auth = proxy.username
    ? `${encodeURIComponent(proxy.username)}${proxy.password ? `:${encodeURIComponent(proxy.password)}` : ''}@`
    : '';
  const host =
    proxy.host.includes(':') && !proxy.host.startsWith('[') ? `[${proxy.host}]` : proxy.host;
  return `${scheme}://${auth}${host}:${proxy.port}`;
}

/**
 * The agent that sends an instance's WhatsApp connection through its proxy (issue 3): `http`
 * and `https` proxies tunnel with HTTP CONNECT, `socks5` through a SOCKS5 agent that resolves
 * names on the proxy. Used for the WebSocket and the media requests alike.
 * @param lookup resolves the proxy's host name when a socket to the proxy opens: the D12
 *   `guardedLookup` of the proxy policy, so a name that comes to resolve to a private address
 *   is never connected to (an IP literal is checked once, by `ProxyService.assertAllowed`)
 */
export function createProxyAgent(proxy: ProxyCredentials, lookup?: LookupFunction): Agent {
  const url = proxyUrl(proxy);
  return proxy.protocol === 'socks5'
    ? new SocksProxyAgent(url, lookup ? { socketOptions: { lookup } } : undefined)
    : new HttpsProxyAgent(url, lookup ? { lookup } : undefined);
}
