import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Request } from 'express';
import { StateReadAuthorizer } from './StateReadAuthorizer';

/** Requests carry who sends them; the mock HTTP auth service answers with that. */
const requestFrom = (credentials: BackstageCredentials) =>
  ({ credentials } as unknown as Request);

type Decision = AuthorizeResult.ALLOW | AuthorizeResult.DENY;

function setUp(decide: (userEntityRef: string) => Decision) {
  const httpAuth = mockServices.httpAuth.mock({
    credentials: (async (req: Request) =>
      (req as any).credentials) as HttpAuthService['credentials'],
  });
  const permissions = mockServices.permissions.mock({
    authorize: async (queries, options) => {
      const principal = (options as { credentials: BackstageCredentials })
        .credentials.principal as { userEntityRef?: string };
      await new Promise(r => setTimeout(r, 10));
      return queries.map(() => ({
        result: decide(principal.userEntityRef ?? ''),
      }));
    },
  });
  return {
    authorizer: new StateReadAuthorizer(httpAuth, permissions),
    questions: () => permissions.authorize.mock.calls.length,
  };
}

const alice = mockCredentials.user('user:default/alice');
const vera = mockCredentials.user('user:default/vera');

describe('StateReadAuthorizer', () => {
  it('asks the permission backend once for a user polling an entity, and again for another entity or user', async () => {
    const { authorizer, questions } = setUp(() => AuthorizeResult.ALLOW);
    for (let i = 0; i < 10; i++) {
      await authorizer.authorize(requestFrom(alice), 'component:default/myapp');
    }
    expect(questions()).toBe(1);
    await authorizer.authorize(
      requestFrom(alice),
      'component:default/pii-demo',
    );
    await authorizer.authorize(requestFrom(vera), 'component:default/myapp');
    expect(questions()).toBe(3);
  });

  it('asks once for concurrent requests of one user', async () => {
    const { authorizer, questions } = setUp(() => AuthorizeResult.ALLOW);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        authorizer.authorize(requestFrom(alice), 'component:default/myapp'),
      ),
    );
    expect(questions()).toBe(1);
  });

  it('refuses a denied user every time, naming the permission, without letting others through', async () => {
    const { authorizer } = setUp(user =>
      user === 'user:default/vera'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    await authorizer.authorize(requestFrom(alice), 'component:default/myapp');
    for (let i = 0; i < 2; i++) {
      const refusal = authorizer.authorize(
        requestFrom(vera),
        'component:default/myapp',
      );
      await expect(refusal).rejects.toThrow(NotAllowedError);
      await expect(refusal).rejects.toThrow('bluegreen.state.read');
    }
  });

  it('asks afresh for a user reached through another service, and for service principals', async () => {
    const { authorizer, questions } = setUp(() => AuthorizeResult.ALLOW);
    const onBehalf = mockCredentials.user('user:default/alice', {
      actor: { subject: 'plugin:scaffolder' },
    });
    const service = mockCredentials.service('plugin:catalog');
    for (let i = 0; i < 3; i++) {
      await authorizer.authorize(
        requestFrom(onBehalf),
        'component:default/myapp',
      );
      await authorizer.authorize(
        requestFrom(service),
        'component:default/myapp',
      );
    }
    expect(questions()).toBe(6);
  });

  it('asks again after a failed question instead of reusing the failure', async () => {
    const httpAuth = mockServices.httpAuth.mock({
      credentials: (async () => alice) as HttpAuthService['credentials'],
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize
      .mockRejectedValueOnce(new Error('permission backend unavailable'))
      .mockResolvedValue([{ result: AuthorizeResult.ALLOW }]);
    const authorizer = new StateReadAuthorizer(httpAuth, permissions);
    const req = requestFrom(alice);
    await expect(
      authorizer.authorize(req, 'component:default/myapp'),
    ).rejects.toThrow('permission backend unavailable');
    await authorizer.authorize(req, 'component:default/myapp');
    expect(permissions.authorize).toHaveBeenCalledTimes(2);
  });
});
