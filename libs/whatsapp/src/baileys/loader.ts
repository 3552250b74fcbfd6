/**
 * The one place `libs/whatsapp` loads Baileys. Baileys is ESM-only while Wharf compiles to
 * CommonJS; with `module: nodenext` TypeScript keeps this `import()` as a real dynamic import,
 * so Node (and Jest under `--experimental-vm-modules`, with `isolatedModules`) loads the ES
 * module. Everything else imports only Baileys *types*.
 */
export type BaileysModule = typeof import('baileys');

let loading: Promise<BaileysModule> | undefined;

/** Loads (once per process) and returns the Baileys module namespace. */
export function loadBaileys(): Promise<BaileysModule> {
  loading ??= import('baileys');
  return loading;
}
