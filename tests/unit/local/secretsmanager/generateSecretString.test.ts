import { generateSecretString } from '../../../../local/secretsmanager/generateSecretString';

describe('generateSecretString', () => {
  it('generates PasswordLength letters and digits when punctuation is excluded', () => {
    const values = Array.from({ length: 20 }, () => generateSecretString({ PasswordLength: 64, ExcludePunctuation: true }));

    expect(values.every((value) => /^[A-Za-z0-9]{64}$/.test(value))).toBe(true);
    expect(new Set(values).size).toBe(20);
  });

  it('includes at least one character of each included type, 32 characters by default', () => {
    const values = Array.from({ length: 50 }, () => generateSecretString({}));

    expect(values.every((value) => value.length === 32 && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) && /[^A-Za-z0-9]/.test(value))).toBe(true);
  });

  it('never uses an excluded character', () => {
    const value = generateSecretString({ PasswordLength: 200, ExcludeCharacters: 'abcdefghijklmnopqrstuvwxyz', ExcludeUppercase: true, ExcludePunctuation: true });

    expect(value).toMatch(/^[0-9]{200}$/);
  });

  it('puts the generated string into the template under the key', () => {
    const value = JSON.parse(generateSecretString({ SecretStringTemplate: '{"username":"carrier"}', GenerateStringKey: 'password', ExcludePunctuation: true, PasswordLength: 16 })) as Record<string, string>;

    expect(value).toEqual({ username: 'carrier', password: expect.stringMatching(/^[A-Za-z0-9]{16}$/) as unknown });
  });

  it.each([
    [{ PasswordLength: 0 }, 'GenerateSecretString.PasswordLength 0 must be an integer from 1 to 4096'],
    [{ PasswordLength: 3 }, 'GenerateSecretString.PasswordLength 3 is shorter than the 4 character types it must include'],
    [{ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }, 'GenerateSecretString excludes every character'],
    [{ SecretStringTemplate: '{}' }, 'GenerateSecretString needs both SecretStringTemplate and GenerateStringKey, or neither'],
    [{ ExcludePunctuation: 'yes' }, 'GenerateSecretString.ExcludePunctuation must be a boolean, got "yes"'],
    [{ Length: 12 }, 'GenerateSecretString properties Length are not supported by the local cloud'],
  ])('refuses %j, naming what is wrong', (options, message) => {
    expect(() => generateSecretString(options)).toThrow(message);
  });
});
