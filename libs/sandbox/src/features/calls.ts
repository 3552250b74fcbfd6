import { randomBytes } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import { blocks } from '../account-settings';
import type { ChatConnection } from '../chat-connection';
import { SandboxError } from '../errors';
import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { numberFromJidOrNumber } from '../jid';
import { childNodes, nowSeconds } from '../stanza';
import type { CallRecord, Phone } from '../state';
import { PRIMARY_PLATFORM } from './pairing';

/** Public view of a call (`GET /phones/:number/calls`); times are ISO-8601 strings. */
export interface CallView {
  id: string;
  to: string;
  status: CallRecord['status'];
  at: string;
  endedAt: string | null;
}

interface ActiveCall {
  record: CallRecord;
  caller: Phone;
  callee: Phone;
  timer: NodeJS.Timeout;
}

function toCallView(record: CallRecord): CallView {
  return {
    id: record.id,
    to: record.to,
    status: record.status,
    at: record.at.toISOString(),
    endedAt: record.endedAt ? record.endedAt.toISOString() : null,
  };
}

/**
 * Voice calls between sandbox phones: `POST /phones/:number/call` offers a call to every
 * connected companion of the callee (`<call><offer>`), a companion's `<call><reject|accept>`
 * ends it, and an unanswered call times out after `callTimeoutMs` (`<call><terminate>`).
 * The calls a phone placed are listed by `GET /phones/:number/calls`.
 */
export class CallsFeature implements SandboxFeature {
  private readonly activeCalls = new Map<string, ActiveCall>();

  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.stanza('call', (conn, node) => this.onCallStanza(conn, node));
    registry.onShutdown(() => this.clearTimers());
    registry.route({
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/call$/,
      status: 201,
      run: ([number], body) => this.call(number, body.to),
    });
    registry.route({
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/calls$/,
      run: ([number]) => this.listCalls(number),
    });
  }

  /**
   * The phone `number` calls `to` (a number or PN JID of another sandbox phone): every connected
   * companion of the callee gets a `<call><offer>`; the call ends as `rejected`/`accepted` when
   * a companion answers, or `timeout` after `callTimeoutMs`. A callee that blocked the caller
   * (features/blocklist.ts) gets no offer; the call ends as `timeout`.
   * @throws SandboxError 400 bad `to`, 404 unknown caller or callee.
   */
  call(number: string, to: unknown): CallView {
    const caller = this.host.requirePhone(number);
    const calleeNumber = typeof to === 'string' ? numberFromJidOrNumber(to) : undefined;
    if (!calleeNumber) {
      throw new SandboxError(400, 'to must be a phone number or a @s.whatsapp.net JID');
    }
    const callee = this.host.phoneByNumber(calleeNumber);
    if (!callee) {
      throw new SandboxError(404, `no phone with number ${calleeNumber}`);
    }
    const record: CallRecord = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      to: callee.jid,
      status: 'ringing',
      at: new Date(),
    };
    caller.calls.push(record);
    const call: ActiveCall = {
      record,
      caller,
      callee,
      timer: setTimeout(() => this.endCall(call, 'timeout'), this.host.config.callTimeoutMs),
    };
    this.activeCalls.set(record.id, call);
    // A callee that blocked the caller is never rung: the caller hears it ring until the timeout.
    if (!blocks(callee, caller)) {
      for (const conn of this.host.companionConnections(callee)) {
        conn.send(this.callStanza(conn, caller, this.offerNode(record.id, caller)));
      }
    }
    this.host.logger.info({ from: caller.jid, to: callee.jid, callId: record.id }, 'call offered');
    return toCallView(record);
  }

  /** Calls placed by the phone, oldest first. @throws SandboxError 404 unknown phone. */
  listCalls(number: string): CallView[] {
    return this.host.requirePhone(number).calls.map(toCallView);
  }

  private clearTimers(): void {
    for (const call of this.activeCalls.values()) {
      clearTimeout(call.timer);
    }
    this.activeCalls.clear();
  }

  private offerNode(callId: string, caller: Phone): BinaryNode {
    return {
      tag: 'offer',
      attrs: { 'call-id': callId, 'call-creator': caller.jid, caller_pn: caller.jid },
      content: [
        { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } },
        { tag: 'audio', attrs: { enc: 'opus', rate: '8000' } },
        { tag: 'net', attrs: { medium: '3' } },
        {
          tag: 'capability',
          attrs: { ver: '1' },
          content: Buffer.from([0x01, 0x05, 0xf7, 0x09, 0xe4, 0xbb, 0x07]),
        },
        { tag: 'encopt', attrs: { keygen: '2' } },
      ],
    };
  }

  private callStanza(conn: ChatConnection, caller: Phone, child: BinaryNode): BinaryNode {
    return {
      tag: 'call',
      attrs: {
        from: caller.jid,
        id: conn.nextStanzaId(),
        t: nowSeconds(),
        notify: caller.name,
        platform: PRIMARY_PLATFORM,
        version: '2',
      },
      content: [child],
    };
  }

  private endCall(call: ActiveCall, status: 'rejected' | 'accepted' | 'timeout'): void {
    if (call.record.status !== 'ringing') {
      return;
    }
    clearTimeout(call.timer);
    call.record.status = status;
    call.record.endedAt = new Date();
    this.activeCalls.delete(call.record.id);
    if (status === 'timeout' && !blocks(call.callee, call.caller)) {
      for (const conn of this.host.companionConnections(call.callee)) {
        conn.send(
          this.callStanza(conn, call.caller, {
            tag: 'terminate',
            attrs: {
              'call-id': call.record.id,
              'call-creator': call.caller.jid,
              reason: 'timeout',
            },
          }),
        );
      }
    }
    this.host.logger.info({ callId: call.record.id, status }, 'call ended');
  }

  /** A companion answers a call (`<call><reject/></call>` etc.); the server acks it. */
  private onCallStanza(conn: ChatConnection, node: BinaryNode): void {
    const [child] = childNodes(node);
    const callId = child?.attrs['call-id'];
    const call = callId ? this.activeCalls.get(callId) : undefined;
    if (call && conn.login?.phone === call.callee) {
      if (child.tag === 'reject') {
        this.endCall(call, 'rejected');
      } else if (child.tag === 'accept') {
        this.endCall(call, 'accepted');
      }
    }
    const attrs: Record<string, string> = { id: node.attrs.id, class: 'call' };
    if (node.attrs.to) {
      attrs.from = node.attrs.to;
    }
    if (child) {
      attrs.type = child.tag;
    }
    conn.send({ tag: 'ack', attrs });
  }
}
