import { UserAgent, submitLoginForm } from './userAgent';
import { DEMO_PASSWORD } from './users';

/** What Backstage answers a signed-in user's session refresh with. */
export interface BackstageSession {
  /** The Backstage token: `Authorization: Bearer <token>` on the backend's APIs. */
  token: string;
  /** e.g. `user:default/alice` */
  userEntityRef: string;
  /** The user and their groups, e.g. `['user:default/alice', 'group:default/web-team']`. */
  ownershipEntityRefs: string[];
  displayName?: string;
  email?: string;
}

/**
 * Signs a demo user into a Backstage backend the way the portal's sign-in button does, with the
 * browser's part done here: `/api/auth/oidc/start`, the provider's login form, the callback to
 * `/api/auth/oidc/handler/frame`, then `/api/auth/oidc/refresh`, whose answer is the session.
 */
export async function signInToBackstage(options: {
  /** e.g. http://localhost:7007 */
  backendUrl: string;
  username: string;
  /** Defaults to the demo password. */
  password?: string;
  /** `auth.environment` of the backend; Backstage's default is "development". */
  environment?: string;
}): Promise<BackstageSession> {
  const env = options.environment ?? 'development';
  const auth = `${options.backendUrl.replace(/\/$/, '')}/api/auth/oidc`;
  const agent = new UserAgent();

  const loginPage = await agent.fetch(
    `${auth}/start?${new URLSearchParams({
      env,
      scope: 'openid profile email',
    })}`,
  );
  const callback = await submitLoginForm(agent, loginPage, {
    username: options.username,
    password: options.password ?? DEMO_PASSWORD,
  });
  const callbackPage = await callback.response.text();
  if (!callback.url.pathname.endsWith('/handler/frame')) {
    throw new Error(
      `signing in as ${options.username} ended at ${callback.url} (status ${
        callback.response.status
      }): ${callbackPage.slice(0, 500)}`,
    );
  }

  const { response } = await agent.fetch(
    `${auth}/refresh?${new URLSearchParams({ env })}`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  if (!response.ok) {
    throw new Error(
      `Backstage did not sign ${options.username} in (${
        response.status
      } ${await response.text()}); its callback said: ${callbackError(
        callbackPage,
      )}`,
    );
  }
  const session = await response.json();
  return {
    token: session.backstageIdentity.token,
    userEntityRef: session.backstageIdentity.identity.userEntityRef,
    ownershipEntityRefs: session.backstageIdentity.identity.ownershipEntityRefs,
    displayName: session.profile?.displayName,
    email: session.profile?.email,
  };
}

/** The error Backstage's callback page would post to the app (e.g. no catalog user has that email). */
function callbackError(page: string): string {
  const encoded = /authResponse = decodeURIComponent\('([^']*)'\)/.exec(
    page,
  )?.[1];
  if (!encoded) {
    return page.slice(0, 300);
  }
  const message = JSON.parse(decodeURIComponent(encoded));
  return message.error?.message ?? JSON.stringify(message);
}
