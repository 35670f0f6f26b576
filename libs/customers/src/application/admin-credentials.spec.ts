import { generateTemporaryPassword, hashPassword, verifyPassword } from './admin-credentials';

describe('customer admin credentials', () => {
  it('generates strong temporary passwords that differ each time', () => {
    const passwords = Array.from({ length: 50 }, () => generateTemporaryPassword());
    expect(new Set(passwords).size).toBe(50);
    for (const password of passwords) {
      expect(password).toHaveLength(16);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
    }
  });

  it('R-CUST-1: stores only a salted scrypt hash that verifies the password and nothing else', async () => {
    const password = generateTemporaryPassword();
    const first = await hashPassword(password);
    const second = await hashPassword(password);
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(first).not.toContain(password);
    expect(first).not.toBe(second);
    await expect(verifyPassword(password, first)).resolves.toBe(true);
    await expect(verifyPassword(`${password}x`, first)).resolves.toBe(false);
    await expect(verifyPassword(password, 'plain$text')).resolves.toBe(false);
  });
});
