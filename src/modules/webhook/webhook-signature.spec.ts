import { createHmac } from 'node:crypto';

import { signatureHeader, signDelivery, signingKey } from './webhook-signature';

// Test vector of the Standard Webhooks specification (standard-webhooks/libraries).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';

describe('webhook signatures (D6, Standard Webhooks)', () => {
  it('matches the Standard Webhooks test vector', () => {
    expect(signDelivery(SECRET, ID, TIMESTAMP, BODY)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('uses the base64-decoded part after whsec_ as the key', () => {
    const key = signingKey(SECRET);
    expect(key.equals(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))).toBe(true);
    const expected = createHmac('sha256', key)
      .update(`${ID}.${TIMESTAMP}.${BODY}`)
      .digest('base64');
    expect(signDelivery(SECRET, ID, TIMESTAMP, BODY)).toBe(`v1,${expected}`);
  });

  it('sends one space-separated signature per secret during a rotation', () => {
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const header = signatureHeader([SECRET, other], ID, TIMESTAMP, BODY);
    expect(header.split(' ')).toEqual([
      signDelivery(SECRET, ID, TIMESTAMP, BODY),
      signDelivery(other, ID, TIMESTAMP, BODY),
    ]);
  });
});
