import { randomBytes } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import { issueDeviceIdentity, pairSuccessNode, verifyPairDeviceSign } from '../adv';
import type { ChatConnection } from '../chat-connection';
import { errorMessage, SandboxError } from '../errors';
import type { FeatureHost, FeatureRegistry, IqRequest, SandboxFeature } from '../feature';
import { lidJid, numberFromJidOrNumber, pnJid, SERVER_JID } from '../jid';
import {
  deriveAdvSecret,
  normalizePairingCode,
  openKeyBundle,
  unwrapEphemeralKey,
  wrapEphemeralKey,
} from '../link-code';
import { iqError, iqResult, nowSeconds } from '../stanza';
import type { CompanionDevice, Phone } from '../state';

/** Platform the sandbox's phones report in `pair-success` and call stanzas (`platform`). */
export const PRIMARY_PLATFORM = 'android';
/** How long spent or expired refs are remembered (to answer 410 rather than 404). */
const REF_MEMORY_MS = 15 * 60_000;

interface QrRef {
  ref: string;
  conn: ChatConnection;
  expiresAt: number;
  state: 'waiting' | 'used';
}

interface LinkCodeRequest {
  ref: string;
  conn: ChatConnection;
  /** The phone number the companion asked to link to. */
  number: string;
  wrappedCompanionEphemeral: Buffer;
  createdAt: number;
  state: 'waiting' | 'used';
  /** True while the phone is exchanging primary_hello / companion_finish with the companion. */
  busy: boolean;
}

/**
 * Linking a companion, the phone's side: the `<pair-device>` QR refs a registering client gets,
 * the QR scan (`POST /phones/:number/link`), the pairing-code stages (`md`
 * `link_code_companion_reg` iqs, answered before login, and `POST /phones/:number/pair`), and
 * `pair-success` / `pair-device-sign` / stream restart (515) that complete both.
 */
export class PairingFeature implements SandboxFeature {
  private readonly refs = new Map<string, QrRef>();
  private readonly linkCodeRequests = new Map<string, LinkCodeRequest>();

  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.onRegistration((conn) => this.issueQrRefs(conn));
    registry.onDisconnect((conn) => this.forgetConnection(conn));
    registry.iqBeforeLogin({ xmlns: 'md', child: 'link_code_companion_reg' }, (request) =>
      this.onLinkCodeIq(request),
    );
    registry.route({
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/link$/,
      run: ([number], body) => this.linkByQr(number, body.qr),
    });
    registry.route({
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/pair$/,
      run: ([number], body) => this.pairWithCode(number, body.code),
    });
  }

  /**
   * The phone scans a QR code a companion shows: sends `pair-success`, waits for the
   * companion's `pair-device-sign`, then restarts its stream (515).
   * @param qr the raw QR string (`https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform`
   *   or the older `ref,noise,identity,adv`).
   * @returns the new companion's JID and LID.
   * @throws SandboxError 400 malformed QR, 404 unknown phone or ref, 410 expired or spent ref,
   *   409 when the companion does not complete the pairing.
   */
  async linkByQr(number: string, qr: unknown): Promise<{ jid: string; lid: string }> {
    const phone = this.host.requirePhone(number);
    if (typeof qr !== 'string' || !qr) {
      throw new SandboxError(400, 'qr must be the QR string the companion shows');
    }
    const parts = (qr.includes('#') ? qr.slice(qr.indexOf('#') + 1) : qr).split(',');
    if (parts.length < 4 || parts.slice(0, 4).some((part) => !part)) {
      throw new SandboxError(400, 'qr is not a WhatsApp linking QR code');
    }
    const [ref, noiseB64, identityB64, advB64] = parts;
    this.pruneRefs();
    const entry = this.refs.get(ref);
    if (!entry) {
      throw new SandboxError(404, 'no companion is waiting on this QR ref');
    }
    if (entry.state !== 'waiting' || Date.now() > entry.expiresAt || !entry.conn.isOpen) {
      throw new SandboxError(410, 'this QR ref has expired');
    }
    const conn = entry.conn;
    const identityKey = Buffer.from(identityB64, 'base64');
    const registered = conn.registration?.devicePairingData?.eIdent;
    if (
      !conn.noiseKey?.equals(Buffer.from(noiseB64, 'base64')) ||
      !registered ||
      !identityKey.equals(Buffer.from(registered))
    ) {
      throw new SandboxError(400, 'the QR keys do not match the companion waiting on this ref');
    }
    const advSecret = Buffer.from(advB64, 'base64');
    if (advSecret.length !== 32) {
      throw new SandboxError(400, 'the QR ADV secret must be 32 bytes');
    }
    this.spendRefs(conn);
    const device = await this.completeLink(phone, conn, advSecret, identityKey);
    return { jid: device.jid, lid: device.lid };
  }

  /**
   * The user types the companion's pairing code on the phone: the phone answers the
   * companion's `companion_hello` with `primary_hello`, checks the companion's key bundle, then
   * links it as for a QR code.
   * @throws SandboxError 400 malformed or wrong code, 404 unknown phone or no companion waiting
   *   for a code for this number, 409 when the companion does not complete the pairing.
   */
  async pairWithCode(number: string, code: unknown): Promise<{ jid: string; lid: string }> {
    const phone = this.host.requirePhone(number);
    const normalized = typeof code === 'string' ? normalizePairingCode(code) : undefined;
    if (!normalized) {
      throw new SandboxError(400, 'code must be the 8-character pairing code the companion shows');
    }
    const request = [...this.linkCodeRequests.values()]
      .filter((r) => r.number === number && r.state === 'waiting' && r.conn.isOpen)
      .sort((x, y) => y.createdAt - x.createdAt)[0];
    if (!request) {
      throw new SandboxError(404, `no companion is waiting for a pairing code for ${number}`);
    }
    if (request.busy) {
      throw new SandboxError(409, 'a pairing code is already being checked for this companion');
    }
    request.busy = true;
    try {
      return await this.exchangeLinkCode(phone, request, normalized);
    } finally {
      request.busy = false;
    }
  }

  /** Registration stream: issues `qrRefCount` QR refs in one `<pair-device>` iq. */
  private issueQrRefs(conn: ChatConnection): void {
    const { config } = this.host;
    this.pruneRefs();
    const issuedAt = Date.now();
    const refs: string[] = [];
    for (let i = 0; i < config.qrRefCount; i++) {
      const ref = `2@${randomBytes(33).toString('base64')}`;
      refs.push(ref);
      conn.refs.push(ref);
      this.refs.set(ref, {
        ref,
        conn,
        state: 'waiting',
        expiresAt: issuedAt + config.firstQrRefTtlMs + i * config.nextQrRefTtlMs,
      });
    }
    this.host.logger.debug({ conn: conn.id, refs: refs.length }, 'registration: pair-device sent');
    conn.send({
      tag: 'iq',
      attrs: { from: SERVER_JID, type: 'set', id: conn.nextStanzaId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
        },
      ],
    });
  }

  /** Forgets the connection's pending pairing-code requests. */
  private forgetConnection(conn: ChatConnection): void {
    for (const request of this.linkCodeRequests.values()) {
      if (request.conn === conn) {
        this.linkCodeRequests.delete(request.ref);
      }
    }
  }

  private onLinkCodeIq({ conn, iq, first: reg }: IqRequest): BinaryNode {
    const { b } = this.host;
    if (!conn.registration || !reg) {
      return iqError(iq, 400, 'bad-request');
    }
    if (reg.attrs.stage === 'companion_finish') {
      // pairWithCode() consumes this stanza through conn.waitFor
      return iqResult(iq);
    }
    if (reg.attrs.stage !== 'companion_hello') {
      return iqError(iq, 400, 'bad-request');
    }
    const number = numberFromJidOrNumber(reg.attrs.jid ?? '');
    const wrapped = b.getBinaryNodeChildBuffer(
      reg,
      'link_code_pairing_wrapped_companion_ephemeral_pub',
    );
    if (!number || !wrapped || wrapped.length < 80) {
      return iqError(iq, 400, 'bad-request');
    }
    const ref = randomBytes(16).toString('base64url');
    this.linkCodeRequests.set(ref, {
      ref,
      conn,
      number,
      wrappedCompanionEphemeral: Buffer.from(wrapped),
      createdAt: Date.now(),
      state: 'waiting',
      busy: false,
    });
    this.host.logger.debug({ conn: conn.id, number }, 'pairing code requested');
    return iqResult(iq, [
      {
        tag: 'link_code_companion_reg',
        attrs: {},
        content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref) }],
      },
    ]);
  }

  /** primary_hello → companion_finish → pair-success for one pairing-code request. */
  private async exchangeLinkCode(
    phone: Phone,
    request: LinkCodeRequest,
    normalized: string,
  ): Promise<{ jid: string; lid: string }> {
    const { b } = this.host;
    const conn = request.conn;
    const companionEphemeral = await unwrapEphemeralKey(
      b,
      normalized,
      request.wrappedCompanionEphemeral,
    );
    const primaryEphemeral = b.Curve.generateKeyPair();
    const wrappedPrimary = await wrapEphemeralKey(
      b,
      normalized,
      primaryEphemeral.public,
      randomBytes,
    );
    const ephemeralShared = b.Curve.sharedKey(primaryEphemeral.private, companionEphemeral);
    const finished = conn.waitFor((node) => {
      const reg =
        node.tag === 'iq' ? b.getBinaryNodeChild(node, 'link_code_companion_reg') : undefined;
      const ref = reg && b.getBinaryNodeChildBuffer(reg, 'link_code_pairing_ref');
      return (
        reg?.attrs.stage === 'companion_finish' &&
        ref !== undefined &&
        Buffer.from(ref).toString() === request.ref
      );
    }, this.host.config.companionReplyTimeoutMs);
    conn.send({
      tag: 'notification',
      attrs: {
        from: SERVER_JID,
        type: 'link_code_companion_reg',
        id: conn.nextStanzaId(),
        t: nowSeconds(),
      },
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: { stage: 'primary_hello' },
          content: [
            { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(request.ref) },
            { tag: 'primary_identity_pub', attrs: {}, content: phone.identity.public },
            {
              tag: 'link_code_pairing_wrapped_primary_ephemeral_pub',
              attrs: {},
              content: wrappedPrimary,
            },
          ],
        },
      ],
    });
    let finish: BinaryNode;
    try {
      finish = await finished;
    } catch (err) {
      throw new SandboxError(409, `the companion did not answer: ${errorMessage(err)}`);
    }
    const reg = b.getBinaryNodeChild(finish, 'link_code_companion_reg');
    const wrappedBundle = b.getBinaryNodeChildBuffer(reg, 'link_code_pairing_wrapped_key_bundle');
    const announcedIdentity = b.getBinaryNodeChildBuffer(reg, 'companion_identity_public');
    if (!wrappedBundle || !announcedIdentity) {
      throw new SandboxError(409, 'companion_finish is missing its key bundle');
    }
    let bundle: ReturnType<typeof openKeyBundle>;
    try {
      bundle = openKeyBundle(b, ephemeralShared, Buffer.from(wrappedBundle));
    } catch {
      throw new SandboxError(400, 'the pairing code does not match the one the companion shows');
    }
    const registered = conn.registration?.devicePairingData?.eIdent;
    if (
      !bundle.primaryIdentityKey.equals(phone.identity.public) ||
      !bundle.companionIdentityKey.equals(Buffer.from(announcedIdentity)) ||
      !registered ||
      !bundle.companionIdentityKey.equals(Buffer.from(registered))
    ) {
      throw new SandboxError(409, 'the companion key bundle does not match its registration');
    }
    const identityShared = b.Curve.sharedKey(phone.identity.private, bundle.companionIdentityKey);
    const advSecret = deriveAdvSecret(b, ephemeralShared, identityShared, bundle.random);
    request.state = 'used';
    this.spendRefs(conn);
    const device = await this.completeLink(phone, conn, advSecret, bundle.companionIdentityKey);
    return { jid: device.jid, lid: device.lid };
  }

  private spendRefs(conn: ChatConnection): void {
    for (const ref of conn.refs) {
      const entry = this.refs.get(ref);
      if (entry) {
        entry.state = 'used';
      }
    }
  }

  private pruneRefs(): void {
    const cutoff = Date.now() - REF_MEMORY_MS;
    for (const [ref, entry] of this.refs) {
      if (entry.expiresAt < cutoff) {
        this.refs.delete(ref);
      }
    }
  }

  /** Sends pair-success, checks pair-device-sign, stores the device and restarts the stream. */
  private async completeLink(
    phone: Phone,
    conn: ChatConnection,
    advSecret: Buffer,
    identityKey: Buffer,
  ): Promise<CompanionDevice> {
    const { b } = this.host;
    const pairing = conn.registration?.devicePairingData;
    if (!pairing?.eRegid || !pairing.eSkeyId || !pairing.eSkeyVal || !pairing.eSkeySig) {
      throw new SandboxError(409, 'the companion did not register its keys');
    }
    const deviceId = phone.nextDeviceId++;
    const keyIndex = phone.nextKeyIndex++;
    const jid = pnJid(phone.number, deviceId);
    const lid = lidJid(phone.lid, deviceId);
    const issued = issueDeviceIdentity(b, phone, keyIndex, identityKey, advSecret);
    const stanzaId = conn.nextStanzaId();
    const replied = conn.waitFor(
      (node) => node.tag === 'iq' && node.attrs.id === stanzaId,
      this.host.config.companionReplyTimeoutMs,
    );
    conn.send(pairSuccessNode(stanzaId, issued, jid, lid, PRIMARY_PLATFORM));
    let reply: BinaryNode;
    try {
      reply = await replied;
    } catch (err) {
      throw new SandboxError(
        409,
        `the companion did not confirm the pairing: ${errorMessage(err)}`,
      );
    }
    const signedIdentity = verifyPairDeviceSign(b, reply, phone, issued, identityKey);
    if (reply.attrs.type !== 'result' || !signedIdentity) {
      conn.close();
      throw new SandboxError(409, 'the companion refused or mis-signed the device identity');
    }
    const props = pairing.deviceProps ? b.proto.DeviceProps.decode(pairing.deviceProps) : undefined;
    const platformType = props?.platformType ?? b.proto.DeviceProps.PlatformType.CHROME;
    const device: CompanionDevice = {
      id: deviceId,
      jid,
      lid,
      platform: (b.proto.DeviceProps.PlatformType[platformType] ?? 'UNKNOWN').toLowerCase(),
      os: props?.os ?? '',
      noiseKey: Buffer.from(conn.noiseKey ?? Buffer.alloc(0)),
      keys: {
        registrationId: Buffer.from(pairing.eRegid).readUInt32BE(0),
        identityKey: Buffer.from(identityKey),
        signedPreKey: {
          keyId: Buffer.from(pairing.eSkeyId).readUIntBE(0, pairing.eSkeyId.length),
          publicKey: Buffer.from(pairing.eSkeyVal),
          signature: Buffer.from(pairing.eSkeySig),
        },
        preKeys: new Map(),
      },
      keyIndex,
      signedDeviceIdentity: signedIdentity,
      linkedAt: new Date(),
    };
    phone.devices.set(deviceId, device);
    this.host.logger.info({ jid, platform: device.platform }, 'companion linked');
    conn.send({ tag: 'stream:error', attrs: { code: '515' } });
    conn.close();
    return device;
  }
}
