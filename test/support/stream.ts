/** A WebSocket client for `/ws/:instance` that records frames and refusals. */
import WebSocket from 'ws';

export interface StreamRefusal {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface OpenStream {
  socket: WebSocket;
  frames: any[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens the stream; resolves with the open stream or rejects with a {@link StreamRefusal}. */
export function openStream(
  baseUrl: string,
  instance: string,
  options: { headers?: Record<string, string>; query?: string; autoPong?: boolean } = {},
): Promise<OpenStream> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws/${encodeURIComponent(instance)}${options.query ? `?${options.query}` : ''}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: options.headers,
      autoPong: options.autoPong ?? true,
    });
    const frames: any[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
    socket.once('open', () => resolve({ socket, frames, closed }));
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the raw text
        }
        // Rejects with the refusal itself so tests can assert its status and body.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject({
          status: response.statusCode ?? 0,
          body,
          headers: response.headers,
        } satisfies StreamRefusal);
      });
    });
    socket.once('error', (error) => reject(error));
  });
}

/** Opens a stream that must be refused; resolves with the refusal. */
export async function refusedStream(
  baseUrl: string,
  instance: string,
  options: Parameters<typeof openStream>[2] = {},
): Promise<StreamRefusal> {
  try {
    const stream = await openStream(baseUrl, instance, options);
    stream.socket.close();
  } catch (refusal) {
    return refusal as StreamRefusal;
  }
  throw new Error('the upgrade was accepted');
}
