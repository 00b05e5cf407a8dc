import { OidcProviderServer, startOidcProvider } from './server';
import { UserAgent, submitLoginForm } from './userAgent';
import { loadUsers } from './users';

// Nothing listens there: the tests stop at the redirect, as a relying party receives it.
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const CLIENT = {
  clientId: 'portal',
  clientSecret: 'portal-secret',
  redirectUris: [REDIRECT_URI],
};
const basicAuth = `Basic ${Buffer.from(
  `${CLIENT.clientId}:${CLIENT.clientSecret}`,
).toString('base64')}`;

describe('the demo OpenID Connect provider', () => {
  let idp: OidcProviderServer;

  beforeAll(async () => {
    idp = await startOidcProvider({ clients: [CLIENT] });
  });

  afterAll(async () => {
    await idp?.close();
  });

  /** The authorization request a relying party sends, up to the login page. */
  async function openLoginPage(agent: UserAgent) {
    const params = new URLSearchParams({
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'state-1',
      nonce: 'nonce-1',
      prompt: 'login',
    });
    return agent.fetch(`${idp.url}/auth?${params}`);
  }

  async function token(params: Record<string, string>) {
    const response = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuth,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: await response.json() };
  }

  it('knows the users of examples/org.yaml, each with an email', () => {
    expect(idp.users).toEqual([
      {
        username: 'alice',
        email: 'alice@demo.example',
        displayName: 'Alice Archer',
      },
      { username: 'bob', email: 'bob@demo.example', displayName: 'Bob Baker' },
      {
        username: 'carol',
        email: 'carol@demo.example',
        displayName: 'Carol Chen',
      },
      {
        username: 'paul',
        email: 'paul@demo.example',
        displayName: 'Paul Platt',
      },
      {
        username: 'vera',
        email: 'vera@demo.example',
        displayName: 'Vera Viewer',
      },
    ]);
    expect(loadUsers()).toEqual(idp.users);
  });

  it('publishes its endpoints for discovery', async () => {
    const metadata = await (await fetch(idp.metadataUrl)).json();
    expect(metadata).toMatchObject({
      issuer: idp.url,
      authorization_endpoint: `${idp.url}/auth`,
      token_endpoint: `${idp.url}/token`,
      userinfo_endpoint: `${idp.url}/me`,
      jwks_uri: `${idp.url}/jwks`,
    });
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('signs a user in through the login form: code, ID token, verified email, refresh', async () => {
    const agent = new UserAgent();
    const loginPage = await openLoginPage(agent);
    expect(loginPage.url.pathname).toMatch(/^\/interaction\//);
    const callback = await submitLoginForm(
      agent,
      loginPage,
      { username: 'bob', password: 'demo' },
      location => location.href.startsWith(REDIRECT_URI),
    );
    expect(callback.url.searchParams.get('state')).toBe('state-1');
    const code = callback.url.searchParams.get('code')!;

    const tokens = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(tokens.status).toBe(200);
    const idToken = JSON.parse(
      Buffer.from(tokens.body.id_token.split('.')[1], 'base64url').toString(),
    );
    expect(idToken).toMatchObject({
      iss: idp.url,
      sub: 'bob',
      aud: CLIENT.clientId,
      nonce: 'nonce-1',
    });

    const userinfo = await fetch(`${idp.url}/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await userinfo.json()).toEqual({
      sub: 'bob',
      email: 'bob@demo.example',
      email_verified: true,
      name: 'Bob Baker',
      preferred_username: 'bob',
    });

    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
  });

  it('refuses a wrong password and an unknown user with the form again, and no code', async () => {
    for (const credentials of [
      { username: 'alice', password: 'not-demo' },
      { username: 'mallory', password: 'demo' },
    ]) {
      const agent = new UserAgent();
      const answer = await submitLoginForm(
        agent,
        await openLoginPage(agent),
        credentials,
        location => location.href.startsWith(REDIRECT_URI),
      );
      expect(answer.response.status).toBe(401);
      const page = await answer.response.text();
      expect(page).toContain('Unknown user or wrong password.');
      expect(page).toContain('<form method="post"');
    }
  });

  it('sends no code to a redirect URI it was not given', async () => {
    const agent = new UserAgent();
    const params = new URLSearchParams({
      client_id: CLIENT.clientId,
      redirect_uri: 'http://127.0.0.1:9/elsewhere',
      response_type: 'code',
      scope: 'openid',
    });
    const { response } = await agent.fetch(`${idp.url}/auth?${params}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('redirect_uri');
  });

  it('listens on loopback only', async () => {
    await expect(
      startOidcProvider({ host: '0.0.0.0', clients: [CLIENT] }),
    ).rejects.toThrow('loopback only');
  });
});
