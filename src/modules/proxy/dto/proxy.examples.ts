/** OpenAPI examples of the Proxy routes (D18), shared by the route documentation. */

export const EXAMPLE_PROXY = {
  enabled: true,
  host: '10.0.0.5',
  port: '1080',
  protocol: 'socks5',
  username: 'user',
};
