import type { FeatureClass } from '../feature';
import { AppStateFeature } from './app-state';
import { BlocklistFeature } from './blocklist';
import { CallsFeature } from './calls';
import { ClientConfigFeature } from './client-config';
import { GroupsFeature } from './groups';
import { MediaConnFeature } from './media-conn';
import { MessagesFeature } from './messages';
import { PairingFeature } from './pairing';
import { PhoneEventsFeature } from './phone-events';
import { PreKeysFeature } from './prekeys';
import { PrivacyFeature } from './privacy';
import { UnlinkFeature } from './unlink';
import { UsyncFeature } from './usync';

/**
 * The features every sandbox runs (libs/sandbox/README.md, "Adding a feature"). The order does
 * not change which handler answers an iq (the most specific registration wins); it is the
 * order of the control routes, which never overlap.
 */
export const FEATURES: readonly FeatureClass[] = [
  PairingFeature,
  UnlinkFeature,
  CallsFeature,
  MessagesFeature,
  GroupsFeature,
  PreKeysFeature,
  UsyncFeature,
  MediaConnFeature,
  ClientConfigFeature,
  PrivacyFeature,
  BlocklistFeature,
  PhoneEventsFeature,
  AppStateFeature,
];
