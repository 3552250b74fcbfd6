import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { decodeMedia, encodeMedia, type SandboxState } from './persistence';

/** Largest upload the media host accepts (WhatsApp's limit for documents is 2 GB; tests are small). */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Media kinds Baileys uploads to (`MEDIA_PATH_MAP` paths `/mms/<kind>`). */
const UPLOAD_PATH = /^\/mms\/([a-z-]+)\/([A-Za-z0-9_-]+)$/;

/**
 * The sandbox's media host: Baileys uploads encrypted media with
 * `POST /mms/<type>/<fileEncSha256>?auth=<media_conn auth>&token=…` and gets back
 * `{ url, direct_path }`; anyone may then `GET <direct_path>` the encrypted bytes, as on
 * WhatsApp's CDN (the media key travels inside the E2E message, never to the server).
 */
export class MediaStore {
  /** Upload auth token announced in `<media_conn auth>` (one per sandbox). */
  readonly auth: string;
  private readonly blobs: Map<string, Buffer>;
  private host = '';

  /** An empty media host, or the one of a saved sandbox (its token and files). */
  constructor(saved?: SandboxState['media']) {
    this.auth = saved?.auth ?? randomBytes(24).toString('base64url');
    this.blobs = saved ? decodeMedia(saved) : new Map<string, Buffer>();
  }

  /** The token and every stored file (persistence.ts). */
  exportState(): SandboxState['media'] {
    return encodeMedia(this.auth, this.blobs);
  }

  /** Sets the `host[:port]` put in upload answers' `url` (known once the server listens). */
  setHost(host: string): void {
    this.host = host;
  }

  /** `host[:port]` of the media host, as `<media_conn><host hostname>` announces it. */
  get hostname(): string {
    return this.host;
  }

  /** The encrypted bytes stored at `directPath` (query ignored), if any. */
  encrypted(directPath: string): Buffer | undefined {
    return this.blobs.get(directPath.split('?')[0]);
  }

  /** HTTPS request listener of the media host. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const upload = UPLOAD_PATH.exec(url.pathname);
    if (req.method === 'POST' && upload) {
      if (url.searchParams.get('auth') !== this.auth) {
        this.json(res, 401, { error: 'bad media auth' });
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_UPLOAD_BYTES) {
          this.json(res, 413, { error: 'media too large' });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        const directPath = `/v/t62.7118-24/${randomBytes(16).toString('hex')}.enc?ccb=11-4&oh=${upload[2].slice(0, 16)}`;
        this.blobs.set(directPath.split('?')[0], Buffer.concat(chunks));
        this.json(res, 200, {
          url: `https://${this.host}${directPath}`,
          direct_path: directPath,
        });
      });
      return;
    }
    const blob = req.method === 'GET' ? this.blobs.get(url.pathname) : undefined;
    if (!blob) {
      this.json(res, 404, { error: 'no such media' });
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), blob.length - 1) : blob.length - 1;
      res.writeHead(206, {
        'content-type': 'application/octet-stream',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${blob.length}`,
      });
      res.end(blob.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': blob.length,
    });
    res.end(blob);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
}
