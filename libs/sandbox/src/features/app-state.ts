import { randomBytes } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import { type AppStateCollection, isAppStateCollection } from '../app-state-store';
import type { FeatureHost, FeatureRegistry, LoggedInIq, SandboxFeature } from '../feature';
import { SERVER_JID } from '../jid';
import { devicesOf } from '../messaging';
import { childNodes, iqError, iqResult, nowSeconds } from '../stanza';
import type { Phone } from '../state';

/** One `<collection>` of a `w:sync:app:state` iq: an upload (with patches) or a fetch. */
interface CollectionRequest {
  name: AppStateCollection;
  /** The version the device has (`version` attribute). */
  version: number;
  /** `SyncdPatch` bytes of an upload; empty for a fetch. */
  patches: Uint8Array[];
}

/**
 * App-state sync, the server's side (round2-protocol.md §2.1–§2.2; libs/sandbox/README.md,
 * "App state"): `<iq xmlns="w:sync:app:state">` uploads and fetches against the account's
 * {@link AppStateStore} (`host.appState`), `<notification type="server_sync">` to the account's
 * other devices after an upload, and `urn:xmpp:whatsapp:dirty` (answered empty, nothing kept).
 */
export class AppStateFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'w:sync:app:state' }, (request) => this.answerSync(request));
    // cleanDirtyBits: the sandbox keeps no dirty bits, so there is nothing to clean
    registry.iq({ xmlns: 'urn:xmpp:whatsapp:dirty' }, ({ iq }) => iqResult(iq));
  }

  /**
   * Answers `<iq xmlns="w:sync:app:state"><sync><collection name version>[<patch>…]</collection>…`.
   * A collection with `<patch>` children is an upload: its `version` must be the stored one,
   * else the whole iq gets `<error code="409" text="conflict"/>` and nothing is stored (Baileys'
   * `query` throws on it); each patch is stored as the next version, the answer names the new
   * version and the account's other devices get a `server_sync`. A collection without patches
   * is a fetch: the patches above its version, at most `APP_STATE_PAGE_SIZE`, with
   * `has_more_patches="true"` when more follow; never a snapshot. A malformed request (no
   * `<sync>`, unknown collection name, bad version, undecodable patch) gets a 400 error.
   */
  private answerSync({ iq, first, phone, device }: LoggedInIq): BinaryNode {
    const requests = this.parseSync(first);
    if (!requests) {
      return iqError(iq, 400, 'bad-request');
    }
    const { appState } = this.host;
    for (const request of requests) {
      if (
        request.patches.length &&
        request.version !== appState.version(phone.number, request.name)
      ) {
        return iqError(iq, 409, 'conflict');
      }
    }
    const answers: BinaryNode[] = [];
    const uploaded: { name: AppStateCollection; version: number }[] = [];
    for (const request of requests) {
      if (request.patches.length) {
        let version = request.version;
        try {
          for (const patch of request.patches) {
            version = appState.append(phone.number, request.name, patch);
          }
        } catch {
          return iqError(iq, 400, 'bad-request');
        }
        uploaded.push({ name: request.name, version });
        answers.push({
          tag: 'collection',
          attrs: { name: request.name, version: String(version) },
        });
        continue;
      }
      const page = appState.page(phone.number, request.name, request.version);
      const attrs: Record<string, string> = { name: request.name, version: String(page.version) };
      if (page.hasMore) {
        attrs.has_more_patches = 'true';
      }
      answers.push(
        page.patches.length
          ? {
              tag: 'collection',
              attrs,
              content: [
                {
                  tag: 'patches',
                  attrs: {},
                  content: page.patches.map((patch) => ({
                    tag: 'patch',
                    attrs: {},
                    content: patch,
                  })),
                },
              ],
            }
          : { tag: 'collection', attrs },
      );
    }
    for (const { name, version } of uploaded) {
      this.notifyOtherDevices(phone, device.id, name, version);
    }
    return iqResult(iq, [{ tag: 'sync', attrs: {}, content: answers }]);
  }

  /** The collections of a `<sync>` node, or undefined when it is malformed. */
  private parseSync(sync: BinaryNode | undefined): CollectionRequest[] | undefined {
    if (sync?.tag !== 'sync') {
      return undefined;
    }
    const collections = childNodes(sync).filter((node) => node.tag === 'collection');
    if (!collections.length) {
      return undefined;
    }
    const requests: CollectionRequest[] = [];
    for (const node of collections) {
      const { name } = node.attrs;
      const version = Number(node.attrs.version ?? '0');
      if (!isAppStateCollection(name) || !Number.isSafeInteger(version) || version < 0) {
        return undefined;
      }
      const patchNodes = [
        ...childNodes(node).filter((child) => child.tag === 'patch'),
        ...childNodes(childNodes(node).find((child) => child.tag === 'patches')).filter(
          (child) => child.tag === 'patch',
        ),
      ];
      const patches: Uint8Array[] = [];
      for (const patch of patchNodes) {
        if (!(patch.content instanceof Uint8Array)) {
          return undefined;
        }
        patches.push(patch.content);
      }
      requests.push({ name, version, patches });
    }
    return requests;
  }

  /**
   * `<notification type="server_sync"><collection name version/></notification>` to every
   * device of the account but the uploader (the primary included); offline devices get it
   * when they log in (the router queues it). Baileys answers it with a fetch.
   */
  private notifyOtherDevices(
    phone: Phone,
    uploaderId: number,
    name: AppStateCollection,
    version: number,
  ): void {
    for (const target of devicesOf(phone)) {
      if (target.id === uploaderId) {
        continue;
      }
      this.host.router.deliver(phone, target.id, {
        tag: 'notification',
        attrs: {
          from: SERVER_JID,
          type: 'server_sync',
          id: randomBytes(8).toString('hex').toUpperCase(),
          t: nowSeconds(),
        },
        content: [{ tag: 'collection', attrs: { name, version: String(version) } }],
      });
    }
  }
}
