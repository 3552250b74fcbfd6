export { CALLS_NOT_SUPPORTED, type CallsFacet } from './calls';
export { CONTACTS_NOT_SUPPORTED, type ContactsFacet } from './contacts';
export type {
  ChatsFacet,
  CommunitiesFacet,
  LabelsFacet,
  NewslettersFacet,
  ProfileFacet,
} from './future';
export { GROUPS_NOT_SUPPORTED, type GroupsFacet } from './groups';
export { MESSAGES_NOT_SUPPORTED, type MessagesFacet, type ReadKey } from './messages';
export { notSupported } from './not-supported';
export { type ChatPresence, PRESENCE_NOT_SUPPORTED, type PresenceFacet } from './presence';
export { PRIVACY_NOT_SUPPORTED, type PrivacyFacet } from './privacy';
