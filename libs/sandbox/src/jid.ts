import { createHash } from 'node:crypto';

/** Server part of phone-number JIDs. */
export const PN_SERVER = 's.whatsapp.net';
/** Server part of LID JIDs. */
export const LID_SERVER = 'lid';
/** JID of the WhatsApp server itself (`from` of server stanzas). */
export const SERVER_JID = PN_SERVER;

/** `<user>@s.whatsapp.net`, or `<user>:<device>@s.whatsapp.net` for a device other than 0. */
export function pnJid(user: string, device?: number): string {
  return device ? `${user}:${device}@${PN_SERVER}` : `${user}@${PN_SERVER}`;
}

/** `<lid>@lid`, or `<lid>:<device>@lid` for a device other than 0. */
export function lidJid(lid: string, device?: number): string {
  return device ? `${lid}:${device}@${LID_SERVER}` : `${lid}@${LID_SERVER}`;
}

/**
 * The LID (linked identity) of a phone number: a deterministic 15-digit number, so the same
 * number gets the same LID in every sandbox run.
 */
export function lidForNumber(number: string): string {
  const digest = createHash('sha256').update(`wharf-sandbox-lid:${number}`).digest();
  const value = digest.readBigUInt64BE(0) % 10n ** 14n;
  return `1${value.toString().padStart(14, '0')}`;
}

/** Parses `<user>[:<device>]@<server>`; returns undefined for anything else. */
export function parseJid(
  jid: string,
): { user: string; device: number; server: string } | undefined {
  const match = /^([^@:]+)(?::(\d+))?@([a-z.]+)$/.exec(jid);
  if (!match) {
    return undefined;
  }
  return { user: match[1], device: match[2] ? Number(match[2]) : 0, server: match[3] };
}

/** Accepts a phone number (digits, optional `+`) or a PN JID and returns the bare number. */
export function numberFromJidOrNumber(value: string): string | undefined {
  const trimmed = value.trim().replace(/^\+/, '');
  if (/^\d+$/.test(trimmed)) {
    return trimmed;
  }
  const parsed = parseJid(trimmed);
  return parsed?.server === PN_SERVER ? parsed.user : undefined;
}
