import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { registerAs } from '@nestjs/config';
import { HostAllowlist, type TargetPolicy } from '@wharf/common/http/url-guard';

import { ConfigError, readBool, readEnum, readString } from './env';

export interface EncryptionKey {
  /** Short public identifier written into every ciphertext (D11 `v1.<keyId>…`). */
  id: string;
  key: Buffer;
}

export interface SecurityConfig {
  adminToken: string;
  /** Set when the admin token was generated into the data directory (D4): the file's path. */
  adminTokenFile?: string;
  /** Key used to encrypt; first in `decryptionKeys` too. */
  encryptionKey: EncryptionKey;
  /** Current key followed by the retired ones of ENCRYPTION_KEYS_PREVIOUS (D11). */
  decryptionKeys: EncryptionKey[];
  encryptionKeyFile?: string;
  /** ALLOW_PRIVATE_TARGETS (D12): lifts the private-address check on every outbound target. */
  allowPrivateTargets: boolean;
  /**
   * OUTBOUND_ALLOWED_HOSTS (D12): host names, IPs and CIDRs that webhook, media, link-preview
   * and S3 URLs may point to although private (e.g. an on-prem MinIO). Empty by default.
   */
  outboundAllowedHosts: HostAllowlist;
  /**
   * PROXY_ALLOWED_HOSTS (D12): host names, IPs and CIDRs an instance's proxy may be on although
   * private (a corporate proxy on the LAN). Empty by default.
   */
  proxyAllowedHosts: HostAllowlist;
  /** EVENTS_INCLUDE_INSTANCE_TOKEN (D3). */
  eventsIncludeInstanceToken: boolean;
}

/** Reads a comma-separated allowlist of host names, IPs and CIDRs (D12). */
function readAllowlist(variable: string): HostAllowlist {
  try {
    return HostAllowlist.parse(readString(variable));
  } catch (error) {
    throw new ConfigError(variable, (error as Error).message);
  }
}

/** The D12 policy of outbound URLs: webhooks, media, link previews, header media, S3. */
export function outboundPolicy(security: SecurityConfig): TargetPolicy {
  return { allowPrivate: security.allowPrivateTargets, allowed: security.outboundAllowedHosts };
}

/** The D12 policy of instance proxies (PROXY_ALLOWED_HOSTS, ALLOW_PRIVATE_TARGETS). */
export function proxyPolicy(security: SecurityConfig): TargetPolicy {
  return { allowPrivate: security.allowPrivateTargets, allowed: security.proxyAllowedHosts };
}

/** Derives the public key id: the first 6 bytes of SHA-256(key), base64url. */
function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 6).toString('base64url');
}

function parseKey(variable: string, raw: string): EncryptionKey {
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    throw new ConfigError(variable, 'must be 32 bytes encoded as base64 (openssl rand -base64 32)');
  }
  return { id: keyId(key), key };
}

/** Reads a generated secret from `file`, creating it (mode 0600) when absent. */
function generatedSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * D3, D4, D11, D12. Outside production a missing ADMIN_TOKEN or ENCRYPTION_KEY is generated once
 * into DATA_DIR (mode 0600) so restarts keep working; in production both are required.
 */
export function loadSecurityConfig(): SecurityConfig {
  const production =
    readEnum('NODE_ENV', ['development', 'production', 'test'], 'development') === 'production';
  const dataDir = resolve(readString('DATA_DIR') ?? './data');

  let adminToken = readString('ADMIN_TOKEN');
  let adminTokenFile: string | undefined;
  if (adminToken === undefined) {
    if (production) throw new ConfigError('ADMIN_TOKEN', 'is required when NODE_ENV=production');
    adminTokenFile = join(dataDir, 'admin-token');
    adminToken = generatedSecret(adminTokenFile, () => randomBytes(32).toString('base64url'));
  }
  if (adminToken.length < 16 || !/^[\x21-\x7e]+$/.test(adminToken)) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 printable characters without spaces');
  }

  let rawKey = readString('ENCRYPTION_KEY');
  let encryptionKeyFile: string | undefined;
  if (rawKey === undefined) {
    if (production) throw new ConfigError('ENCRYPTION_KEY', 'is required when NODE_ENV=production');
    encryptionKeyFile = join(dataDir, 'encryption-key');
    rawKey = generatedSecret(encryptionKeyFile, () => randomBytes(32).toString('base64'));
  }
  const encryptionKey = parseKey('ENCRYPTION_KEY', rawKey);
  const previous = (readString('ENCRYPTION_KEYS_PREVIOUS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => parseKey('ENCRYPTION_KEYS_PREVIOUS', entry));

  return {
    adminToken,
    adminTokenFile,
    encryptionKey,
    decryptionKeys: [encryptionKey, ...previous.filter((k) => k.id !== encryptionKey.id)],
    encryptionKeyFile,
    allowPrivateTargets: readBool('ALLOW_PRIVATE_TARGETS', false),
    outboundAllowedHosts: readAllowlist('OUTBOUND_ALLOWED_HOSTS'),
    proxyAllowedHosts: readAllowlist('PROXY_ALLOWED_HOSTS'),
    eventsIncludeInstanceToken: readBool('EVENTS_INCLUDE_INSTANCE_TOKEN', false),
  };
}

export const securityConfig = registerAs('security', loadSecurityConfig);
