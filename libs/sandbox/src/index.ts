export type {
  PhoneChatView,
  PhoneContactView,
  PhoneLabelView,
  PhoneMessageFlagsView,
  PhoneMessageRefView,
} from './app-state-view';
export type { BaileysModule } from './baileys-loader';
export { loadBaileys } from './baileys-loader';
export type {
  ChatServerConfig,
  CompanionDeviceView,
  PhoneView,
  PrimaryDeviceView,
} from './chat-server';
export { CHAT_PATH, DEFAULT_CHAT_SERVER_CONFIG } from './chat-server';
export { SandboxError } from './errors';
export type { CallView } from './features/calls';
export type { PhoneMessagesView } from './features/messages';
export type { SandboxLogFn, SandboxLogger } from './logger';
export { SANDBOX_MEDIA_CERT } from './media-cert';
export type { PhoneMessageType, PhoneMessageView } from './message-view';
export type { GroupView, ReceiptView } from './messaging';
export type {
  BinaryNodeState,
  CompanionDeviceState,
  DeviceState,
  GroupState,
  PhoneClientState,
  PhoneState,
  SandboxState,
} from './persistence';
export { SANDBOX_STATE_VERSION } from './persistence';
export { SANDBOX_ROOT_PUBLIC_KEY } from './root-key';
export { Sandbox, type SandboxOptions, startSandbox } from './sandbox';
