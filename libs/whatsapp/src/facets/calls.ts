import { notSupported } from './not-supported';

/** Calls of a session; incoming calls arrive as the session's `call` event. */
export interface CallsFacet {
  /**
   * Rejects an incoming call (`callId` and `callerJid` from the `call` event). Throws
   * `SessionNotConnectedError` when not connected.
   */
  reject(callId: string, callerJid: string): Promise<void>;
}

/** {@link CallsFacet} of an engine without it (D16). */
export const CALLS_NOT_SUPPORTED: CallsFacet = {
  reject: () => notSupported('calls.reject'),
};
