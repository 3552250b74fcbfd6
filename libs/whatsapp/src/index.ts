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
  ENGINE_ERROR_CODES,
  type EngineErrorCode,
  InvalidJidError,
  MediaUnavailableError,
  NotSupportedByEngineError,
  PairingCodeUnavailableError,
  SessionNotConnectedError,
  WhatsAppConflictError,
  WhatsAppEngineError,
  WhatsAppItemNotFoundError,
  WhatsAppNotAuthorizedError,
  WhatsAppRateLimitedError,
  WhatsAppRequestError,
} from './errors';
export * from './jid';
export type * from './messages';
export { WhatsAppSession } from './session';
export { TypedEventEmitter } from './typed-event-emitter';
export type * from './types';
