import type { CallsFacet } from '../../facets';
import { rethrowAsEngineError } from '../iq-errors';
import type { BaileysFacetContext } from './context';

/** {@link CallsFacet} on a Baileys socket. */
export class BaileysCalls implements CallsFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async reject(callId: string, callerJid: string): Promise<void> {
    await this.ctx
      .socket()
      .rejectCall(callId, callerJid)
      .catch(rethrowAsEngineError('calls.reject'));
  }
}
