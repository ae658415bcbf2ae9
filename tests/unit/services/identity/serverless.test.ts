import { readPackagedTemplate } from '../../../../scripts/stacks';

const template = readPackagedTemplate('identity');
const resource = (logicalId: string) => template.Resources[logicalId];

describe('the packaged identity stack', () => {
  it('declares the user pool, its web client and the operators group, and nothing else but the deployment bucket', () => {
    const types = Object.fromEntries(Object.entries(template.Resources).map(([id, { Type }]) => [id, Type]));

    expect(types).toEqual({
      ServerlessDeploymentBucket: 'AWS::S3::Bucket',
      ServerlessDeploymentBucketPolicy: 'AWS::S3::BucketPolicy',
      UserPool: 'AWS::Cognito::UserPool',
      UserPoolClient: 'AWS::Cognito::UserPoolClient',
      OperatorsGroup: 'AWS::Cognito::UserPoolGroup',
    });
  });

  it('exports the issuer (the pool’s provider URL) and the audience (the web client’s id) under the names the services import', () => {
    expect(template.Outputs).toEqual({
      IssuerUrl: { Value: { 'Fn::GetAtt': ['UserPool', 'ProviderURL'] }, Export: { Name: 'ordering-identity-dev-IssuerUrl' } },
      Audience: { Value: { Ref: 'UserPoolClient' }, Export: { Name: 'ordering-identity-dev-Audience' } },
      ServerlessDeploymentBucketName: expect.anything() as unknown,
    });
  });

  it('keeps the user pool, and every customer id with it, when the stack is deleted or the pool replaced', () => {
    expect(resource('UserPool')).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('makes the web client public, signing in with the authorization-code flow, returning to the stage’s web origin', () => {
    expect(resource('UserPoolClient')?.Properties).toMatchObject({
      UserPoolId: { Ref: 'UserPool' },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['http://localhost:5173/auth/callback'],
      LogoutURLs: ['http://localhost:5173/'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('names the group operators, which #shared/identity isOperator looks for', () => {
    expect(resource('OperatorsGroup')?.Properties).toMatchObject({ GroupName: 'operators', UserPoolId: { Ref: 'UserPool' } });
  });
});
