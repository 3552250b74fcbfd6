import {
  type ConnectionEvent,
  NotSupportedByEngineError,
  type SessionMe,
  type SessionState,
  WhatsAppSession,
} from '@wharf/whatsapp';

/** A session with only the mandatory members, as a unit-test fake would be. */
class MinimalSession extends WhatsAppSession {
  readonly failures: unknown[] = [];

  get state(): SessionState {
    return 'disconnected';
  }

  get me(): SessionMe | null {
    return null;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async logout(): Promise<void> {}

  fire(event: ConnectionEvent): boolean {
    return this.emit('connection', event);
  }

  protected override listenerFailed(_event: string, error: unknown): void {
    this.failures.push(error);
  }
}

describe('WhatsAppSession (engine port)', () => {
  it('rejects optional capabilities with NotSupportedByEngineError (D16)', async () => {
    const session = new MinimalSession();
    for (const call of [
      () => session.requestPairingCode('5511999999999'),
      () => session.calls.reject('id', '5511999999999@s.whatsapp.net'),
      () => session.presence.setOwn('available'),
      () => session.messages.sendText('5511999999999@s.whatsapp.net', 'hi'),
    ]) {
      const error = await call().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(NotSupportedByEngineError);
      expect(error).toMatchObject({
        message: expect.stringMatching(/^Not supported by the WhatsApp engine/) as unknown,
        code: 'NOT_SUPPORTED_BY_ENGINE',
      });
    }
  });

  it('delivers events to every listener even when one throws', () => {
    const session = new MinimalSession();
    const seen: string[] = [];
    session.on('connection', () => {
      throw new Error('listener bug');
    });
    session.on('connection', (event) => seen.push(event.reason));
    session.once('connection', (event) => seen.push(`once:${event.reason}`));

    expect(session.fire({ state: 'connecting', reason: 'qr_ready', qr: 'x' })).toBe(true);
    expect(session.fire({ state: 'connected', reason: 'connected' })).toBe(true);
    expect(seen).toEqual(['qr_ready', 'once:qr_ready', 'connected']);
    expect(session.failures).toHaveLength(2);
    expect(session.listenerCount('connection')).toBe(2);

    const never = (): void => void seen.push('never');
    session.once('connection', never);
    session.off('connection', never);
    expect(session.listenerCount('connection')).toBe(2);

    session.removeAllListeners('connection');
    expect(session.fire({ state: 'disconnected', reason: 'connection_lost' })).toBe(false);
  });
});

describe('WhatsAppSession facets', () => {
  it('name the refused operation (facet.operation) and keep the client-facing literal', async () => {
    const session = new MinimalSession();
    const cases: Array<[string, () => unknown]> = [
      ['messages.send', () => session.messages.send('1@s.whatsapp.net', { kind: 'text', text: 'x' })],
      ['messages.downloadMedia', () => session.messages.downloadMedia({})],
      ['messages.read', () => session.messages.read([])],
      ['contacts.lookupNumbers', () => session.contacts.lookupNumbers(['5511999999999'])],
      ['groups.participants', () => session.groups.participants('1@g.us')],
      ['presence.setInChat', () => session.presence.setInChat('1@s.whatsapp.net', 'paused')],
      ['calls.reject', () => session.calls.reject('id', '1@s.whatsapp.net')],
    ];
    for (const [operation, call] of cases) {
      const error = await Promise.resolve()
        .then(call)
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(NotSupportedByEngineError);
      expect(error).toMatchObject({ operation, message: `Not supported by the WhatsApp engine: ${operation}` });
    }
    expect(() => session.messages.generateId()).toThrow(NotSupportedByEngineError);
  });
});
