import type { BinaryNode, KeyPair } from 'baileys';

import type { BaileysModule } from './baileys-loader';
import {
  SANDBOX_INTERMEDIATE_KEY_PAIR,
  SANDBOX_ROOT_PRIVATE_KEY,
  SANDBOX_ROOT_SERIAL,
} from './root-key';

const IV_LENGTH = 12;
const EMPTY = Buffer.alloc(0);
const INTERMEDIATE_SERIAL = 1;
const LEAF_SERIAL = 2;
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

function counterIv(counter: number): Buffer {
  const iv = Buffer.alloc(IV_LENGTH);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

/** Prefixes a payload with its 3-byte big-endian length, as every WhatsApp frame is. */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(3 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out.set(payload, 3);
  return out;
}

/**
 * Builds the server's Noise certificate chain: an intermediate signed by the sandbox root and a
 * leaf (the server's static Noise key) signed by the intermediate, both encoded as WhatsApp's
 * `CertChain` protobuf.
 */
export function buildCertChain(b: BaileysModule, serverStaticPublicKey: Uint8Array): Buffer {
  const Details = b.proto.CertChain.NoiseCertificate.Details;
  const now = Math.floor(Date.now() / 1000);
  const intermediateDetails = Details.encode({
    serial: INTERMEDIATE_SERIAL,
    issuerSerial: SANDBOX_ROOT_SERIAL,
    key: SANDBOX_INTERMEDIATE_KEY_PAIR.public,
    notBefore: now - 60,
    notAfter: now + ONE_YEAR_SECONDS,
  }).finish();
  const leafDetails = Details.encode({
    serial: LEAF_SERIAL,
    issuerSerial: INTERMEDIATE_SERIAL,
    key: serverStaticPublicKey,
    notBefore: now - 60,
    notAfter: now + ONE_YEAR_SECONDS,
  }).finish();
  return Buffer.from(
    b.proto.CertChain.encode({
      intermediate: {
        details: intermediateDetails,
        signature: b.Curve.sign(SANDBOX_ROOT_PRIVATE_KEY, intermediateDetails),
      },
      leaf: {
        details: leafDetails,
        signature: b.Curve.sign(SANDBOX_INTERMEDIATE_KEY_PAIR.private, leafDetails),
      },
    }).finish(),
  );
}

/**
 * Splits the client's byte stream into frames. The first bytes are the intro header: `WA 06 03`
 * or, when the client has routing info, `ED 00 01` + 3-byte length + routing info + `WA 06 03`.
 */
export class FrameReader {
  private pending: Buffer = EMPTY;
  private introDone = false;

  /** Appends received bytes and returns every complete frame payload (without its length). */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.introDone && !this.consumeIntro()) {
      return [];
    }
    const frames: Buffer[] = [];
    while (this.pending.length >= 3) {
      const size = this.pending.readUIntBE(0, 3);
      if (this.pending.length < 3 + size) {
        break;
      }
      frames.push(this.pending.subarray(3, 3 + size));
      this.pending = this.pending.subarray(3 + size);
    }
    return frames;
  }

  private consumeIntro(): boolean {
    const buf = this.pending;
    let offset = 0;
    if (buf.length >= 2 && buf.toString('latin1', 0, 2) === 'ED') {
      if (buf.length < 7) {
        return false;
      }
      offset = 7 + buf.readUIntBE(4, 3);
    }
    if (buf.length < offset + 4) {
      return false;
    }
    if (buf.toString('latin1', offset, offset + 2) !== 'WA') {
      throw new Error('bad intro header');
    }
    this.pending = buf.subarray(offset + 4);
    this.introDone = true;
    return true;
  }
}

/**
 * The responder side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake (mirror of Baileys'
 * `Utils/noise-handler.js`), followed by the transport phase: AES-256-GCM with per-direction
 * counters as IVs and no associated data.
 */
export class NoiseResponder {
  private hash: Buffer;
  private salt: Buffer;
  private cipherKey: Buffer;
  private counter = 0;
  private ephemeral?: KeyPair;
  private transport?: { encKey: Buffer; decKey: Buffer; readCounter: number; writeCounter: number };
  /** The client's static Noise public key, known once `clientFinish` has been read. */
  clientStaticKey?: Buffer;

  constructor(
    private readonly b: BaileysModule,
    private readonly serverStatic: KeyPair,
    private readonly certChain: Buffer,
  ) {
    const mode = Buffer.from(b.NOISE_MODE);
    this.hash = mode.length === 32 ? mode : b.sha256(mode);
    this.salt = this.hash;
    this.cipherKey = this.hash;
    this.authenticate(b.NOISE_WA_HEADER);
  }

  /** True once the handshake is complete and frames carry binary nodes. */
  get isTransport(): boolean {
    return this.transport !== undefined;
  }

  /** Answers `clientHello` with the encoded `HandshakeMessage{serverHello}`. */
  serverHello(clientEphemeral: Uint8Array): Buffer {
    const { b } = this;
    this.authenticate(clientEphemeral);
    this.ephemeral = b.Curve.generateKeyPair();
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(b.Curve.sharedKey(this.ephemeral.private, clientEphemeral));
    const encryptedStatic = this.encrypt(this.serverStatic.public);
    this.mixIntoKey(b.Curve.sharedKey(this.serverStatic.private, clientEphemeral));
    const payload = this.encrypt(this.certChain);
    return Buffer.from(
      b.proto.HandshakeMessage.encode({
        serverHello: { ephemeral: this.ephemeral.public, static: encryptedStatic, payload },
      }).finish(),
    );
  }

  /**
   * Reads `clientFinish`: decrypts the client's static key and its `ClientPayload`, then derives
   * the transport keys. Throws when decryption fails (wrong keys or a tampered frame).
   */
  clientFinish(encryptedStatic: Uint8Array, encryptedPayload: Uint8Array): Buffer {
    const { b } = this;
    if (!this.ephemeral) {
      throw new Error('clientFinish before serverHello');
    }
    const clientStatic = this.decrypt(encryptedStatic);
    this.clientStaticKey = clientStatic;
    this.mixIntoKey(b.Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = this.decrypt(encryptedPayload);
    const keys = Buffer.from(b.hkdf(EMPTY, 64, { salt: this.salt, info: '' }));
    // the client writes with keys[0:32] and reads with keys[32:64]
    this.transport = {
      decKey: keys.subarray(0, 32),
      encKey: keys.subarray(32),
      readCounter: 0,
      writeCounter: 0,
    };
    return payload;
  }

  /** Encrypts and frames one binary node for the client. */
  encodeNode(node: BinaryNode): Buffer {
    if (!this.transport) {
      throw new Error('handshake not finished');
    }
    const plain = this.b.encodeBinaryNode(node);
    const sealed = this.b.aesEncryptGCM(
      plain,
      this.transport.encKey,
      counterIv(this.transport.writeCounter++),
      EMPTY,
    );
    return frame(sealed);
  }

  /** Decrypts and decodes one transport frame from the client. */
  async decodeNode(payload: Buffer): Promise<BinaryNode> {
    if (!this.transport) {
      throw new Error('handshake not finished');
    }
    const plain = this.b.aesDecryptGCM(
      payload,
      this.transport.decKey,
      counterIv(this.transport.readCounter++),
      EMPTY,
    );
    return this.b.decodeBinaryNode(plain);
  }

  private authenticate(data: Uint8Array): void {
    this.hash = this.b.sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(data: Uint8Array): void {
    const key = Buffer.from(this.b.hkdf(Buffer.from(data), 64, { salt: this.salt, info: '' }));
    this.salt = key.subarray(0, 32);
    this.cipherKey = key.subarray(32);
    this.counter = 0;
  }

  private encrypt(plain: Uint8Array): Buffer {
    const out = this.b.aesEncryptGCM(plain, this.cipherKey, counterIv(this.counter++), this.hash);
    this.authenticate(out);
    return out;
  }

  private decrypt(cipher: Uint8Array): Buffer {
    const out = this.b.aesDecryptGCM(cipher, this.cipherKey, counterIv(this.counter++), this.hash);
    this.authenticate(cipher);
    return out;
  }
}
