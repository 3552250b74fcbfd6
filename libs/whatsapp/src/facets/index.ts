export { CALLS_NOT_SUPPORTED, type CallsFacet } from './calls';
export { type AppStateScope, CHATS_NOT_SUPPORTED, type ChatsFacet } from './chats';
export { CONTACTS_NOT_SUPPORTED, type ContactsFacet } from './contacts';
export type { CommunitiesFacet, NewslettersFacet, PrivacyFacet, ProfileFacet } from './future';
export { GROUPS_NOT_SUPPORTED, type GroupsFacet } from './groups';
export { LABELS_NOT_SUPPORTED, type LabelsFacet } from './labels';
export { MESSAGES_NOT_SUPPORTED, type MessagesFacet, type ReadKey } from './messages';
export { notSupported } from './not-supported';
export { type ChatPresence, PRESENCE_NOT_SUPPORTED, type PresenceFacet } from './presence';
