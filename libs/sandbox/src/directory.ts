import { parseJid, PN_SERVER } from './jid';
import type { Device, Phone } from './state';

/** Lookups across the sandbox's phones (the chat server implements it). */
export interface PhoneDirectory {
  /** The phone with this number (digits only), if any. */
  phoneByNumber(number: string): Phone | undefined;
  /** The phone with this LID user (15 digits, no server), if any. */
  phoneByLid(lid: string): Phone | undefined;
}

/** The registered device a `<user>[:<device>]@s.whatsapp.net|lid` JID names (device 0 = primary). */
export function deviceOf(directory: PhoneDirectory, jid: string): Device | undefined {
  const parsed = parseJid(jid);
  if (!parsed) {
    return undefined;
  }
  const phone =
    parsed.server === PN_SERVER
      ? directory.phoneByNumber(parsed.user)
      : directory.phoneByLid(parsed.user);
  if (!phone) {
    return undefined;
  }
  return parsed.device === 0 ? phone.primary : phone.devices.get(parsed.device);
}
