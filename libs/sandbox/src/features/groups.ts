import { SandboxError } from '../errors';
import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { numberFromJidOrNumber } from '../jid';
import type { GroupView } from '../messaging';

/**
 * Groups: the `w:g2` iqs (create, metadata, participants, participating, leave, subject) and
 * `POST /groups`, a group a phone creates. The groups themselves live in the message router,
 * which fans group messages out to their members and saves them with the state.
 */
export class GroupsFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'w:g2' }, ({ iq, phone }) => this.host.router.answerGroupIq(phone, iq));
    registry.route({
      // body: { owner, subject, participants: [numbers or JIDs] }  →  201 { jid, subject, ... }
      method: 'POST',
      pattern: /^\/groups$/,
      status: 201,
      run: (_params, body) => this.createGroup(body.owner, body.subject, body.participants),
    });
  }

  /**
   * Creates a group owned by the phone `owner` with other phones as participants (numbers or
   * PN JIDs). Every member device gets a `w:gp2` create notification.
   * @throws SandboxError 400 bad subject or participants, 404 unknown phone.
   */
  createGroup(owner: unknown, subject: unknown, participants: unknown): GroupView {
    const ownerNumber = typeof owner === 'string' ? numberFromJidOrNumber(owner) : undefined;
    if (!ownerNumber) {
      throw new SandboxError(400, 'owner must be a phone number or a @s.whatsapp.net JID');
    }
    const phone = this.host.requirePhone(ownerNumber);
    const { router } = this.host;
    return router.groupView(router.createGroup(phone, subject, participants));
  }
}
