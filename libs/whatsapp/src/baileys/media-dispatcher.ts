import {
  Agent as UndiciAgent,
  buildConnector,
  type Dispatcher,
  ProxyAgent,
  Socks5ProxyAgent,
} from 'undici';

import type { BaileysSessionOptions } from './baileys-session';

/**
 * The undici dispatcher of media downloads: through the instance's proxy when one is set
 * (`ProxyAgent` for http(s), `Socks5ProxyAgent` for socks5), trusting only the sandbox media
 * CA in sandbox mode; `undefined` (fetch's default) otherwise.
 */
export function createMediaDispatcher(
  options: Pick<BaileysSessionOptions, 'sandbox' | 'mediaProxyUrl' | 'proxyLookup'>,
): Dispatcher | undefined {
  const ca = options.sandbox?.mediaCa;
  const tls = ca ? { ca } : undefined;
  const proxy = options.mediaProxyUrl;
  const lookup = options.proxyLookup;
  if (proxy && /^socks5?h?:/i.test(proxy)) {
    // `requestTls`: TLS to the target through the tunnel. `connect`: the socket to the proxy
    // (plain TCP: `proxyTls` would make it TLS).
    const agentOptions: ConstructorParameters<typeof Socks5ProxyAgent>[1] = {
      ...(tls ? { requestTls: tls } : {}),
      ...(lookup ? { connect: buildConnector({ lookup }) } : {}),
    };
    return new Socks5ProxyAgent(proxy.replace(/^socks5h:/i, 'socks5:'), agentOptions);
  }
  if (proxy) {
    return new ProxyAgent({
      uri: proxy,
      ...(tls ? { requestTls: tls } : {}),
      // The connection to the proxy itself (its options reach net/tls.connect).
      ...(lookup ? { proxyTls: { lookup } } : {}),
    });
  }
  if (tls) {
    return new UndiciAgent({ connect: tls });
  }
  return undefined;
}
