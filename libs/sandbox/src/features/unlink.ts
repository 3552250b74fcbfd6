import { SandboxError } from '../errors';
import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { iqResult } from '../stanza';
import type { CompanionDevice, Phone } from '../state';

/**
 * Removing linked companions: the phone unlinks them (`POST /phones/:number/unlink`) or a
 * companion logs itself out (`md` iq `remove-companion-device`). A connected companion gets
 * `<stream:error code="401"><conflict type="device_removed"/>` (Baileys:
 * `DisconnectReason.loggedOut`); later logins with its credentials get `<failure reason="401">`.
 */
export class UnlinkFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'md', child: 'remove-companion-device' }, ({ iq, phone, device }) => {
      // the companion logs itself out
      const companion = phone.devices.get(device.id);
      if (companion) {
        this.removeDevice(phone, companion, 'device_removed');
      }
      return iqResult(iq);
    });
    registry.route({
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/unlink$/,
      run: ([number], body) => this.unlink(number, body.device),
    });
  }

  /**
   * The phone removes linked companions (all, or the one with `deviceId`).
   * @returns the removed device ids.
   * @throws SandboxError 404 unknown phone or device, 400 bad device id.
   */
  unlink(number: string, deviceId?: unknown): { removed: number[] } {
    const phone = this.host.requirePhone(number);
    let targets: CompanionDevice[];
    if (deviceId === undefined) {
      targets = [...phone.devices.values()];
    } else {
      if (typeof deviceId !== 'number' || !Number.isInteger(deviceId) || deviceId < 1) {
        throw new SandboxError(400, 'device must be a companion device id (1 or more)');
      }
      const device = phone.devices.get(deviceId);
      if (!device) {
        throw new SandboxError(404, `phone ${number} has no companion device ${deviceId}`);
      }
      targets = [device];
    }
    for (const device of targets) {
      this.removeDevice(phone, device, 'device_removed');
    }
    return { removed: targets.map((device) => device.id) };
  }

  private removeDevice(phone: Phone, device: CompanionDevice, reason: string): void {
    phone.devices.delete(device.id);
    this.host.router.forgetDevice(phone, device.id);
    const conn = this.host.connectionOf(phone, device.id);
    if (conn) {
      conn.send({
        tag: 'stream:error',
        attrs: { code: '401' },
        content: [{ tag: 'conflict', attrs: { type: reason } }],
      });
      conn.close();
    }
    this.host.logger.info({ jid: device.jid, reason }, 'companion removed');
  }
}
