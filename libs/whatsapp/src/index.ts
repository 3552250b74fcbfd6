export type * from './app-state';
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
  AppStateNotReadyError,
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
export { eventOfOutgoing, renderEvent } from './event-content';
export type {
  AppStateScope,
  CallsFacet,
  ChatPresence,
  ChatsFacet,
  CommunitiesFacet,
  ContactsFacet,
  GroupsFacet,
  LabelsFacet,
  MessagesFacet,
  NewslettersFacet,
  PresenceFacet,
  PrivacyFacet,
  ProfileFacet,
  ReadKey,
} from './facets';
export {
  CALLS_NOT_SUPPORTED,
  CHATS_NOT_SUPPORTED,
  CONTACTS_NOT_SUPPORTED,
  GROUPS_NOT_SUPPORTED,
  LABELS_NOT_SUPPORTED,
  MESSAGES_NOT_SUPPORTED,
  notSupported,
  PRESENCE_NOT_SUPPORTED,
  PRIVACY_NOT_SUPPORTED,
} from './facets';
export * from './jid';
export type * from './messages';
export { WhatsAppSession } from './session';
export { TypedEventEmitter } from './typed-event-emitter';
export type * from './types';
