export type { AuthStateStore } from './auth-state-store';
export { InMemoryAuthStateStore } from './auth-state-store';
export {
  BaileysSession,
  type BaileysSessionOptions,
  createBaileysSession,
} from './baileys/baileys-session';
export { decryptPollVote, type PollVoteInput } from './baileys/poll-votes';
export { isSandboxRootTrusted, trustSandboxRoot } from './baileys/sandbox-trust';
export {
  InvalidJidError,
  MediaUnavailableError,
  NotSupportedByEngineError,
  PairingCodeUnavailableError,
  SessionNotConnectedError,
  WhatsAppEngineError,
} from './errors';
export { eventOfOutgoing, renderEvent } from './event-content';
export * from './jid';
export type * from './messages';
export { WhatsAppSession } from './session';
export { TypedEventEmitter } from './typed-event-emitter';
export type * from './types';
