import { randomBytes } from 'node:crypto';
import { LinkSigner } from '../src/links';
import { SecretBox } from '../src/secrets';

describe('secrets at rest (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  test('a sealed secret opens to itself and does not contain it', () => {
    const sealed = box.seal('lever-api-key-123');
    expect(sealed).not.toContain('lever-api-key-123');
    expect(box.open(sealed)).toBe('lever-api-key-123');
    expect(box.seal('lever-api-key-123')).not.toBe(sealed); // fresh IV every time
  });

  test('a tampered ciphertext or another key fails loudly instead of decrypting to junk', () => {
    const sealed = box.seal('lever-api-key-123');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64url').toString('latin1').slice(1), 'latin1').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed)).toThrow();
  });
});

describe('signed links', () => {
  let now = 1_000_000;
  const links = new LinkSigner('s'.repeat(32), () => now);

  test('a link verifies for its own purpose only, and not after it expires', () => {
    const token = links.sign('report', 'rq_1', 60_000);
    expect(links.verify(token, 'report')).toMatchObject({ ok: true, claims: { sub: 'rq_1', p: 'report' } });
    expect(links.verify(token, 'hire-answer')).toEqual({ ok: false, reason: 'wrong-purpose' });
    now += 60_001;
    expect(links.verify(token, 'report')).toEqual({ ok: false, reason: 'expired' });
  });

  test('a link signed with another secret, or cut short, is refused', () => {
    const other = new LinkSigner('o'.repeat(32), () => now).sign('report', 'rq_1', 60_000);
    expect(links.verify(other, 'report')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(links.verify(other.slice(0, 20), 'report')).toEqual({ ok: false, reason: 'malformed' });
  });
});
