import type { BinaryNode, KeyPair, proto } from 'baileys';
import type { WebSocket } from 'ws';

import type { BaileysModule } from './baileys-loader';
import { frame, FrameReader, NoiseResponder } from './noise';
import type { Device, Phone } from './state';

/** What the chat server does with a connection at each step of its life. */
export interface ChatConnectionHandler {
  /** The handshake finished with a registration payload (a client with no account yet). */
  onRegistration(conn: ChatConnection, payload: proto.IClientPayload): void;
  /** The handshake finished with a login payload (username + device). */
  onLogin(conn: ChatConnection, payload: proto.IClientPayload): void;
  /** A binary node arrived after the handshake. */
  onNode(conn: ChatConnection, node: BinaryNode): void;
  /** The WebSocket closed (for any reason). */
  onClose(conn: ChatConnection): void;
}

interface Waiter {
  match: (node: BinaryNode) => boolean;
  resolve: (node: BinaryNode) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

let nextConnectionId = 1;

/**
 * One client WebSocket on `/ws/chat`: runs the Noise handshake, then decrypts incoming frames
 * into binary nodes (in order) and encrypts outgoing ones.
 */
export class ChatConnection {
  readonly id = nextConnectionId++;
  /** Registration payload, for a client that is not linked yet. */
  registration?: proto.IClientPayload;
  /** The phone and companion device this connection logged in as. */
  login?: { phone: Phone; device: Device };
  /** QR refs issued to this (registration) connection. */
  readonly refs: string[] = [];
  private readonly noise: NoiseResponder;
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<Waiter>();
  private stanzaCounter = 0;
  private closed = false;

  constructor(
    private readonly b: BaileysModule,
    private readonly ws: WebSocket,
    serverStatic: KeyPair,
    certChain: Buffer,
    private readonly handler: ChatConnectionHandler,
    private readonly onError: (conn: ChatConnection, err: unknown) => void,
  ) {
    this.noise = new NoiseResponder(b, serverStatic, certChain);
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      this.queue = this.queue
        .then(() => this.receive(chunk))
        .catch((err: unknown) => {
          this.onError(this, err);
          this.terminate();
        });
    });
    ws.on('close', () => this.handleClose());
    ws.on('error', (err) => this.onError(this, err));
  }

  /** The client's static Noise public key (known after the handshake). */
  get noiseKey(): Buffer | undefined {
    return this.noise.clientStaticKey;
  }

  /** True while the WebSocket is open. */
  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** A fresh stanza id for server-initiated stanzas. */
  nextStanzaId(): string {
    this.stanzaCounter += 1;
    return `${this.id}.${this.stanzaCounter}-${Date.now().toString(36)}`;
  }

  /** Encrypts and sends a node; a no-op once the socket is closed. */
  send(node: BinaryNode): void {
    if (this.isOpen) {
      this.ws.send(this.noise.encodeNode(node));
    }
  }

  /**
   * Resolves with the first incoming node for which `match` is true, or rejects after
   * `timeoutMs` milliseconds or when the connection closes.
   */
  waitFor(match: (node: BinaryNode) => boolean, timeoutMs: number): Promise<BinaryNode> {
    return new Promise((resolve, reject) => {
      if (!this.isOpen) {
        reject(new Error('connection closed'));
        return;
      }
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error('timed out waiting for the companion'));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Closes the WebSocket normally (data already sent is delivered first). */
  close(): void {
    if (!this.closed) {
      this.ws.close();
    }
  }

  /** Cuts the WebSocket at once, without a closing handshake (a network failure). */
  terminate(): void {
    this.ws.terminate();
  }

  private async receive(chunk: Buffer): Promise<void> {
    for (const payload of this.reader.push(chunk)) {
      if (this.noise.isTransport) {
        const node = await this.noise.decodeNode(payload);
        this.dispatch(node);
        continue;
      }
      const message = this.b.proto.HandshakeMessage.decode(payload);
      if (message.clientHello?.ephemeral) {
        this.ws.send(frame(this.noise.serverHello(message.clientHello.ephemeral)));
      } else if (message.clientFinish?.static && message.clientFinish.payload) {
        const raw = this.noise.clientFinish(
          message.clientFinish.static,
          message.clientFinish.payload,
        );
        const clientPayload = this.b.proto.ClientPayload.decode(raw);
        if (clientPayload.devicePairingData) {
          this.registration = clientPayload;
          this.handler.onRegistration(this, clientPayload);
        } else {
          this.handler.onLogin(this, clientPayload);
        }
      } else {
        throw new Error('unexpected handshake message');
      }
    }
  }

  private dispatch(node: BinaryNode): void {
    for (const waiter of this.waiters) {
      if (waiter.match(node)) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(node);
      }
    }
    this.handler.onNode(this, node);
  }

  private handleClose(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the companion closed the connection'));
    }
    this.waiters.clear();
    this.handler.onClose(this);
  }
}
