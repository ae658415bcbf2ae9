import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import { parseTokenArgs, requestToken, UsageError } from '../../../scripts/token';

describe('parseTokenArgs', () => {
  it('reads the customer, groups, scope, expiry and pool', () => {
    expect(parseTokenArgs(['--customer', 'cus_1', '--groups', 'operators,support', '--scope', 'openid email', '--expires-in=-5', '--pool', 'eu-west-1_abc'])).toEqual({
      help: false,
      request: { customer: 'cus_1', groups: ['operators', 'support'], scope: 'openid email', expiresInSeconds: -5, poolId: 'eu-west-1_abc' },
    });
  });

  it.each([
    [[], '--customer <id> is required'],
    [['--customer', 'cus_1', '--expires-in', '1h'], '--expires-in 1h: a whole number of seconds'],
    [['--customer', 'cus_1', '--groups', 'operators,'], '--groups operators,: a comma-separated list of group names'],
    [['--customer', 'cus_1', '--role', 'admin'], "Unknown option '--role'"],
    [['--customer'], "Option '--customer <value>' argument missing"],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseTokenArgs(argv)).toThrow(UsageError);
    expect(() => parseTokenArgs(argv)).toThrow(message);
  });

  it('asks for the usage text with --help', () => {
    expect(parseTokenArgs(['--help'])).toEqual({ help: true });
  });
});

describe('requestToken', () => {
  let dir: string;
  let cloud: LocalCloud;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'token-script-'));
    mkdirSync(path.join(dir, 'identity/.serverless'), { recursive: true });
    writeFileSync(
      path.join(dir, 'identity/.serverless/cloudformation-template-update-stack.json'),
      JSON.stringify({
        Resources: {
          UserPool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'customers' } },
          UserPoolClient: { Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: { Ref: 'UserPool' }, ClientName: 'web' } },
          OperatorsGroup: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { Ref: 'UserPool' }, GroupName: 'operators' } },
        },
      }),
    );
    cloud = await startLocalCloud({ stacks: [{ stackName: 'identity', dir: path.join(dir, 'identity') }], workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, log: () => undefined });
  });

  afterAll(async () => {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets a token of the first pool for the customer, with the groups asked for', async () => {
    const token = await requestToken(cloud.edgeUrl, { customer: 'cus_1', groups: ['operators'], expiresInSeconds: 60 });

    expect(decodeJwt(token)).toMatchObject({ iss: cloud.identity.issuerUrl, aud: cloud.identity.audience, sub: 'cus_1', 'cognito:groups': ['operators'], token_use: 'id' });
  });

  it('says why when the issuer refuses, or the pool asked for does not exist', async () => {
    await expect(requestToken(cloud.edgeUrl, { customer: 'cus_1', groups: ['admins'] })).rejects.toThrow('the local issuer refused: groups admins are not groups of user pool');
    await expect(requestToken(cloud.edgeUrl, { customer: 'cus_1', poolId: 'eu-west-1_nowhere' })).rejects.toThrow('no user pool eu-west-1_nowhere; the local cloud has eu-west-1_');
  });
});
