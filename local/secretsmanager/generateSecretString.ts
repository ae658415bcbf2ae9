import { randomInt } from 'node:crypto';

/** `GenerateSecretString` of an `AWS::SecretsManager::Secret`, as CloudFormation passes it to Secrets Manager. */
export interface GenerateSecretStringOptions {
  PasswordLength?: number;
  ExcludeCharacters?: string;
  ExcludeLowercase?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  IncludeSpace?: boolean;
  RequireEachIncludedType?: boolean;
  /** A JSON object the generated string is put into, under `GenerateStringKey`. */
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
}

const OPTIONS = new Set([
  'PasswordLength',
  'ExcludeCharacters',
  'ExcludeLowercase',
  'ExcludeUppercase',
  'ExcludeNumbers',
  'ExcludePunctuation',
  'IncludeSpace',
  'RequireEachIncludedType',
  'SecretStringTemplate',
  'GenerateStringKey',
]);

/** Secrets Manager's character classes (`GetRandomPassword`): ASCII only, so splitting a string splits characters. */
const CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  space: ' ',
} as const;

/**
 * The value Secrets Manager generates for `GenerateSecretString`, with node:crypto's CSPRNG: `PasswordLength`
 * (32 by default) characters of the included classes less `ExcludeCharacters`, at least one of each included
 * class unless `RequireEachIncludedType` is false, optionally put into `SecretStringTemplate` under
 * `GenerateStringKey`. Options Secrets Manager would refuse are refused, naming them.
 *
 * @example
 * ```ts
 * generateSecretString({ PasswordLength: 64, ExcludePunctuation: true }); // 64 letters and digits
 * ```
 */
export const generateSecretString = (options: Readonly<Record<string, unknown>>): string => {
  const unknown = Object.keys(options).filter((name) => !OPTIONS.has(name));
  if (unknown.length > 0) throw new Error(`GenerateSecretString properties ${unknown.join(', ')} are not supported by the local cloud`);
  const flag = (name: keyof GenerateSecretStringOptions, fallback: boolean): boolean => {
    const value = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw new Error(`GenerateSecretString.${name} must be a boolean, got ${JSON.stringify(value)}`);
    return value;
  };
  const length = options.PasswordLength === undefined ? 32 : Number(options.PasswordLength);
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new Error(`GenerateSecretString.PasswordLength ${JSON.stringify(options.PasswordLength)} must be an integer from 1 to 4096`);
  const excluded = options.ExcludeCharacters === undefined ? '' : options.ExcludeCharacters;
  if (typeof excluded !== 'string') throw new Error('GenerateSecretString.ExcludeCharacters must be a string');

  const included = [
    ...(flag('ExcludeLowercase', false) ? [] : [CLASSES.lowercase]),
    ...(flag('ExcludeUppercase', false) ? [] : [CLASSES.uppercase]),
    ...(flag('ExcludeNumbers', false) ? [] : [CLASSES.numbers]),
    ...(flag('ExcludePunctuation', false) ? [] : [CLASSES.punctuation]),
    ...(flag('IncludeSpace', false) ? [CLASSES.space] : []),
  ]
    .map((characters) => characters.split('').filter((character) => !excluded.includes(character)).join(''))
    .filter((characters) => characters.length > 0);
  const alphabet = included.join('');
  if (alphabet.length === 0) throw new Error('GenerateSecretString excludes every character: nothing is left to generate from');
  const requireEach = flag('RequireEachIncludedType', true);
  if (requireEach && length < included.length) throw new Error(`GenerateSecretString.PasswordLength ${length} is shorter than the ${included.length} character types it must include`);

  const generated = (): string => Array.from({ length }, () => alphabet.charAt(randomInt(alphabet.length))).join('');
  let value = generated();
  // Rejection sampling keeps every character uniform; a draw misses a class rarely for any useful length.
  while (requireEach && !included.every((characters) => value.split('').some((character) => characters.includes(character)))) value = generated();

  const { SecretStringTemplate: template, GenerateStringKey: key } = options;
  if ((template === undefined) !== (key === undefined)) throw new Error('GenerateSecretString needs both SecretStringTemplate and GenerateStringKey, or neither');
  if (template === undefined) return value;
  if (typeof template !== 'string' || typeof key !== 'string') throw new Error('GenerateSecretString.SecretStringTemplate and GenerateStringKey must be strings');
  let document: unknown;
  try {
    document = JSON.parse(template);
  } catch {
    throw new Error('GenerateSecretString.SecretStringTemplate must be a JSON object');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error('GenerateSecretString.SecretStringTemplate must be a JSON object');
  return JSON.stringify({ ...document, [key]: value });
};
