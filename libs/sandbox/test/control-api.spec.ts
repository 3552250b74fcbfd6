import { type Sandbox, SandboxError, startSandbox } from '../src/index';
import { control } from './helpers';

describe('control API', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('reports health and listens on the ephemeral ports it reports', async () => {
    expect(await control(sandbox, 'GET', '/health')).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    expect(sandbox.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/);
    expect(sandbox.wsUrl).not.toContain(':8900/');
    expect(sandbox.controlUrl).not.toContain(':8901');
  });

  it('creates phones with a deterministic LID and rejects bad or duplicate numbers', async () => {
    const created = await control<{ lid: string }>(sandbox, 'POST', '/phones', {
      number: '5511900000009',
      name: 'Eve',
    });
    expect(created).toEqual({
      status: 201,
      body: {
        number: '5511900000009',
        jid: '5511900000009@s.whatsapp.net',
        lid: expect.stringMatching(/^\d{15}@lid$/),
      },
    });
    const other = await startSandbox({ port: 0, controlPort: 0 });
    try {
      expect(other.createPhone('5511900000009').lid).toBe(created.body.lid);
    } finally {
      await other.close();
    }

    expect(await control(sandbox, 'POST', '/phones', { number: '5511900000009' })).toEqual({
      status: 409,
      body: { error: 'phone 5511900000009 already exists' },
    });
    for (const number of [
      '1234567',
      '1234567890123456',
      '55119abc0001',
      5511900000010,
      undefined,
    ]) {
      const res = await control(sandbox, 'POST', '/phones', { number });
      expect(res).toEqual({
        status: 400,
        body: { error: 'number must be a string of 8 to 15 digits' },
      });
    }
    expect((await control(sandbox, 'POST', '/phones', { number: '12345678' })).status).toBe(201);
  });

  it('rejects malformed JSON bodies', async () => {
    const res = await fetch(`${sandbox.controlUrl}/phones`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"number":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'request body is not valid JSON' });
  });

  it('answers 404 for unknown phones, refs and routes, 400 for bad input', async () => {
    const number = '5511900000011';
    await control(sandbox, 'POST', '/phones', { number });
    const qr = 'https://wa.me/settings/linked_devices#2@nope,AAAA,BBBB,CCCC,1';

    expect(await control(sandbox, 'POST', '/phones/5511999999999/link', { qr })).toEqual({
      status: 404,
      body: { error: 'no phone with number 5511999999999' },
    });
    expect(await control(sandbox, 'POST', `/phones/${number}/link`, { qr })).toEqual({
      status: 404,
      body: { error: 'no companion is waiting on this QR ref' },
    });
    expect(await control(sandbox, 'POST', `/phones/${number}/link`, { qr: 'hello' })).toEqual({
      status: 400,
      body: { error: 'qr is not a WhatsApp linking QR code' },
    });
    expect(await control(sandbox, 'POST', `/phones/${number}/link`, {})).toEqual({
      status: 400,
      body: { error: 'qr must be the QR string the companion shows' },
    });
    expect(await control(sandbox, 'POST', `/phones/${number}/pair`, { code: 'short' })).toEqual({
      status: 400,
      body: { error: 'code must be the 8-character pairing code the companion shows' },
    });
    expect(
      await control(sandbox, 'POST', `/phones/${number}/call`, { to: 'not a number' }),
    ).toEqual({
      status: 400,
      body: { error: 'to must be a phone number or a @s.whatsapp.net JID' },
    });
    expect(
      await control(sandbox, 'POST', `/phones/${number}/call`, { to: '5511988887777' }),
    ).toEqual({
      status: 404,
      body: { error: 'no phone with number 5511988887777' },
    });
    expect(await control(sandbox, 'GET', '/phones/5511999999999/calls')).toEqual({
      status: 404,
      body: { error: 'no phone with number 5511999999999' },
    });
    expect(await control(sandbox, 'POST', `/phones/${number}/unlink`, { device: 3 })).toEqual({
      status: 404,
      body: { error: `phone ${number} has no companion device 3` },
    });
    expect(await control(sandbox, 'POST', '/network/drop', { ms: -5 })).toEqual({
      status: 400,
      body: { error: 'ms must be an integer from 1 to 600000' },
    });
    expect(await control(sandbox, 'GET', '/nowhere')).toEqual({
      status: 404,
      body: { error: 'no route /nowhere' },
    });
    expect(await control(sandbox, 'GET', `/phones/${number}/link`)).toEqual({
      status: 405,
      body: { error: 'method GET not allowed' },
    });
  });

  it('throws SandboxError with the HTTP status from the programmatic API', () => {
    expect(() => sandbox.createPhone('12')).toThrow(SandboxError);
    try {
      sandbox.listCalls('5511999999999');
      throw new Error('listCalls did not throw');
    } catch (err) {
      expect(err).toBeInstanceOf(SandboxError);
      expect((err as SandboxError).status).toBe(404);
    }
  });
});
