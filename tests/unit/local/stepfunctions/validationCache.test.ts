import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StepFunctionsService as Service } from '../../../../local/stepfunctions/stepFunctionsService';

const definition = (comment: string) => ({
  Comment: comment,
  StartAt: 'Done',
  States: { Done: { Type: 'Succeed' } },
});

/** A fresh copy of the module, as a new process would load it (no definitions validated in memory). */
const freshService = (validationCacheFile: string): Service => {
  let Fresh: typeof Service | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Fresh = (require('../../../../local/stepfunctions/stepFunctionsService') as { StepFunctionsService: typeof Service }).StepFunctionsService;
  });
  if (!Fresh) throw new Error('module not loaded');
  return new Fresh({ invoker: { invoke: () => Promise.resolve({}) }, accountId: '000000000000', region: 'eu-west-1', validationCacheFile });
};

describe('StepFunctionsService validationCacheFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'sfn-validation-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers the definitions that passed validation, by hash, across restarts', () => {
    const file = path.join(dir, 'cache', 'validated.json');

    freshService(file).createStateMachine({ name: 'first', definition: definition('one') });
    freshService(file).createStateMachine({ name: 'second', definition: definition('two') });
    const remembered = JSON.parse(readFileSync(file, 'utf8')) as string[];
    freshService(file).createStateMachine({ name: 'again', definition: definition('one') });

    expect(remembered).toHaveLength(2);
    expect(remembered.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(remembered);
  });

  it('still refuses a definition the interpreter would refuse, and remembers nothing for it', () => {
    const file = path.join(dir, 'validated.json');
    const invalid = { StartAt: 'Nowhere', States: { Done: { Type: 'Succeed' } } };

    expect(() => freshService(file).createStateMachine({ name: 'broken', definition: invalid })).toThrow(/Invalid State Machine Definition/);
    expect(() => readFileSync(file, 'utf8')).toThrow();
  });
});
