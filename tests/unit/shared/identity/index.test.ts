import { callerOf, isOperator, OPERATORS_GROUP, type AuthorizedEvent } from '#shared/identity';

/** An HTTP API event as API Gateway's JWT authorizer hands it to the function: every claim a string. */
const eventWith = (claims: Record<string, string | number | boolean | string[]> | undefined): AuthorizedEvent => ({
  requestContext: claims === undefined ? {} : { authorizer: { jwt: { claims } } },
});

const COGNITO_CLAIMS = {
  sub: '7c1d4f6e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
  iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123',
  aud: '3n4b5c6d7e8f9g0h1i2j3k4l5m',
  token_use: 'id',
  auth_time: '1795599000',
  exp: '1795602600',
  iat: '1795599000',
};

describe('callerOf', () => {
  it('reads the subject and no groups when the token carries no groups claim', () => {
    expect(callerOf(eventWith(COGNITO_CLAIMS))).toEqual({ subject: COGNITO_CLAIMS.sub, groups: [] });
  });

  it('reads every group when API Gateway flattened cognito:groups to "[a b]"', () => {
    const caller = callerOf(eventWith({ ...COGNITO_CLAIMS, 'cognito:groups': '[operators support]' }));

    expect(caller?.groups).toEqual(['operators', 'support']);
  });

  it('reads the one group when the flattened list has a single member', () => {
    expect(callerOf(eventWith({ ...COGNITO_CLAIMS, 'cognito:groups': '[operators]' }))?.groups).toEqual(['operators']);
  });

  it('reads the groups when the claim is a real array (a hand-built event or a Lambda authorizer)', () => {
    expect(callerOf(eventWith({ ...COGNITO_CLAIMS, 'cognito:groups': ['support', 'operators'] }))?.groups).toEqual(['support', 'operators']);
  });

  it('reads no groups when the flattened list is empty', () => {
    expect(callerOf(eventWith({ ...COGNITO_CLAIMS, 'cognito:groups': '[]' }))?.groups).toEqual([]);
  });

  it('lists a group once when the claim repeats it', () => {
    expect(callerOf(eventWith({ ...COGNITO_CLAIMS, 'cognito:groups': '[operators operators]' }))?.groups).toEqual(['operators']);
  });

  it('ignores a groups claim that is neither a string nor a list', () => {
    expect(callerOf(eventWith({ ...COGNITO_CLAIMS, 'cognito:groups': 7 }))?.groups).toEqual([]);
  });

  it.each([
    ['the route has no authorizer', undefined],
    ['the claims have no sub', { iss: COGNITO_CLAIMS.iss }],
    ['sub is empty', { sub: '' }],
    ['sub is blank', { sub: '   ' }],
    ['sub is not a string', { sub: 42 }],
  ])('answers undefined when %s', (_case, claims) => {
    expect(callerOf(eventWith(claims))).toBeUndefined();
  });

  it('answers undefined when the authorizer context has no jwt (another kind of authorizer)', () => {
    expect(callerOf({ requestContext: { authorizer: {} } })).toBeUndefined();
  });
});

describe('isOperator', () => {
  it('is true when the caller is in the operators group', () => {
    expect(OPERATORS_GROUP).toBe('operators');
    expect(isOperator({ subject: 'ops-1', groups: ['support', 'operators'] })).toBe(true);
  });

  it.each([
    ['has no groups', { subject: 'cus_42', groups: [] }],
    ['is in other groups only', { subject: 'cus_42', groups: ['support', 'Operators', 'operators-readonly'] }],
    ['is unknown', undefined],
  ])('is false when the caller %s', (_case, caller) => {
    expect(isOperator(caller)).toBe(false);
  });
});
