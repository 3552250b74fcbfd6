import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { MediaFetcher, MediaFetchError } from './media-fetcher';

/** A local server: `/file` (1000 bytes), `/hop/N` redirects N times, `/big`, `/chunked`, `/slow`. */
function startServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (hop) {
      const left = Number(hop[1]);
      res.writeHead(302, { location: left > 1 ? `/hop/${left - 1}` : '/file' });
      res.end();
    } else if (url.pathname === '/file') {
      res.writeHead(200, {
        'content-type': 'image/png; charset=binary',
        'content-disposition': 'attachment; filename="photo.png"',
      });
      res.end(Buffer.alloc(1000, 7));
    } else if (url.pathname === '/big') {
      res.writeHead(200, { 'content-length': '5000' });
      res.end(Buffer.alloc(5000));
    } else if (url.pathname === '/chunked') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= 10 || res.destroyed) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(Buffer.alloc(600));
        sent++;
      }, 5);
    } else if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 2_000).unref();
    } else {
      res.writeHead(404);
      res.end('nope');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('MediaFetcher (D12)', () => {
  let server: Server;
  let base: string;
  const fetchers: MediaFetcher[] = [];
  const make = (options: Partial<ConstructorParameters<typeof MediaFetcher>[0]> = {}) => {
    const fetcher = new MediaFetcher({
      allowPrivate: true,
      maxBytes: 4096,
      timeoutMs: 5_000,
      ...options,
    });
    fetchers.push(fetcher);
    return fetcher;
  };
  const reason = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof MediaFetchError ? error.reason : String(error)),
    );

  beforeAll(async () => ({ server, base } = await startServer()));
  afterAll(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    server.close();
  });

  it('downloads a file with its type and name', async () => {
    const media = await make().fetch(`${base}/file`);
    expect(media.bytes).toEqual(Buffer.alloc(1000, 7));
    expect(media.contentType).toBe('image/png');
    expect(media.fileName).toBe('photo.png');
  });

  it('follows 3 redirects and refuses a 4th', async () => {
    expect((await make().fetch(`${base}/hop/3`)).bytes.length).toBe(1000);
    expect(await reason(make().fetch(`${base}/hop/4`))).toBe('more than 3 redirects');
  });

  it('refuses a body over the cap, announced or streamed', async () => {
    const cap = 'the file is larger than MEDIA_MAX_BYTES (4096 bytes)';
    expect(await reason(make().fetch(`${base}/big`))).toBe(cap);
    expect(await reason(make().fetch(`${base}/chunked`))).toBe(cap);
    expect((await make({ maxBytes: 10_000 }).fetch(`${base}/chunked`)).bytes.length).toBe(6000);
  });

  it('refuses private targets unless ALLOW_PRIVATE_TARGETS, by literal and at connect time', async () => {
    const port = new URL(base).port;
    const guarded = make({ allowPrivate: false });
    expect(await reason(guarded.fetch(`${base}/file`))).toBe(
      'the URL must not point to a private or loopback address',
    );
    // `vm` resolves to 127.0.0.1 in /etc/hosts: only the connect-time check can catch it.
    expect(await reason(guarded.fetch(`http://vm:${port}/file`))).toBe(
      'the URL points to a private or loopback address',
    );
    expect(await reason(guarded.fetch(`http://[::ffff:127.0.0.1]:${port}/file`))).toBe(
      'the URL must not point to a private or loopback address',
    );
  });

  it('names HTTP errors, bad schemes, credentials and time-outs without echoing the URL', async () => {
    const fetcher = make({ timeoutMs: 300 });
    expect(await reason(fetcher.fetch(`${base}/missing?token=secret`))).toBe(
      'the server answered HTTP 404',
    );
    expect(await reason(fetcher.fetch('ftp://example.com/x'))).toBe(
      'the URL must use http or https',
    );
    expect(await reason(fetcher.fetch(`http://user:secret@127.0.0.1:1/x`))).toBe(
      'the URL must not contain credentials',
    );
    expect(await reason(fetcher.fetch(`${base}/slow`))).toBe('timed out after 300 ms');
    expect(await reason(fetcher.fetch('http://127.0.0.1:1/x'))).toBe('the connection was refused');
  });
});
