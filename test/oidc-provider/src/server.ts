import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import { AddressInfo } from 'node:net';
import Provider, { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { renderLoginPage } from './loginPage';
import { DEMO_PASSWORD, DemoUser, loadUsers } from './users';

/** A relying party the provider knows, such as the Backstage backend. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  /** Where the provider may send the authorization code, e.g. `<backend>/api/auth/oidc/handler/frame`. */
  redirectUris: string[];
}

export interface OidcProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A loopback address (the default is 127.0.0.1): the provider signs in anyone who knows the demo password. */
  host?: string;
  /** Who can sign in; defaults to the users of examples/org.yaml. */
  users?: DemoUser[];
  clients: OidcClient[];
}

export interface OidcProviderServer {
  /** The issuer, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  readonly port: number;
  /** Where relying parties discover the endpoints (`auth.providers.oidc.*.metadataUrl`). */
  readonly metadataUrl: string;
  readonly users: DemoUser[];
  close(): Promise<void>;
}

const HOUR = 60 * 60;
const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];
const INTERACTION_PATH = /^\/interaction\/([^/]+)(\/login)?$/;

/** Starts a real OpenID Connect provider (`oidc-provider`) with a username/password login page. */
export async function startOidcProvider(
  options: OidcProviderOptions,
): Promise<OidcProviderServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new Error(
      `the demo OpenID Connect provider listens on loopback only, not on "${host}"`,
    );
  }
  const users = options.users ?? loadUsers();

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // The issuer has to name the real port, so the provider is made once the server listens.
  const provider = new Provider(url, providerConfiguration(options, users));
  const handleOidc = provider.callback();
  server.on('request', (req, res) => {
    const interaction = INTERACTION_PATH.exec(req.url?.split('?')[0] ?? '');
    if (!interaction) {
      handleOidc(req, res);
      return;
    }
    const handled = interaction[2]
      ? submitLogin(provider, req, res, users)
      : showLogin(provider, req, res, users);
    handled.catch(error => {
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      }
      res.end(
        `sign-in failed: ${error instanceof Error ? error.message : error}`,
      );
    });
  });

  return {
    url,
    port,
    metadataUrl: `${url}/.well-known/openid-configuration`,
    users,
    close: () => closeServer(server),
  };
}

function providerConfiguration(
  options: OidcProviderOptions,
  users: DemoUser[],
): Configuration {
  const byUsername = new Map(users.map(user => [user.username, user]));
  const signingKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
  }).privateKey.export({ format: 'jwk' });
  return {
    clients: options.clients.map(client => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    async findAccount(_ctx, sub) {
      const user = byUsername.get(sub);
      return (
        user && {
          accountId: sub,
          claims: async () => ({
            sub,
            email: user.email,
            // Backstage's OIDC sign-in only takes the email of a verified address.
            email_verified: true,
            name: user.displayName,
            preferred_username: user.username,
          }),
        }
      );
    },
    claims: {
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: { devInteractions: { enabled: false } },
    jwks: {
      keys: [{ ...signingKey, alg: 'RS256', use: 'sig', kid: randomUUID() }],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // A working day of demo; the provider forgets everything when it stops anyway.
    ttl: {
      Interaction: 10 * 60,
      Session: 8 * HOUR,
      Grant: 8 * HOUR,
      AccessToken: HOUR,
      IdToken: HOUR,
      RefreshToken: 8 * HOUR,
    },
    // The clients are the demo's own portal: consent to what it asks is implied, so a sign-in
    // is the login form and nothing else.
    loadExistingGrant: implicitConsent,
    // Backstage keeps a session by refreshing it; it asks for no offline_access scope.
    issueRefreshToken: async (_ctx, client) =>
      client.grantTypeAllowed('refresh_token'),
  };
}

async function implicitConsent(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const clientId = oidc.client!.clientId;
  const grantId =
    oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(clientId);
  const grant =
    (grantId && (await oidc.provider.Grant.find(grantId))) ||
    new oidc.provider.Grant({ clientId, accountId: oidc.session!.accountId });
  grant.addOIDCScope(String(oidc.params!.scope ?? 'openid'));
  await grant.save();
  return grant;
}

async function showLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  users: DemoUser[],
) {
  const details = await provider.interactionDetails(req, res);
  sendPage(res, 200, renderLoginPage({ uid: details.uid, users }));
}

async function submitLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  users: DemoUser[],
) {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const details = await provider.interactionDetails(req, res);
  const form = new URLSearchParams(await readBody(req));
  const username = form.get('username')?.trim() ?? '';
  const user = users.find(u => u.username === username);
  if (!user || form.get('password') !== DEMO_PASSWORD) {
    sendPage(
      res,
      401,
      renderLoginPage({
        uid: details.uid,
        users,
        username,
        error: 'Unknown user or wrong password.',
      }),
    );
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.username } },
    { mergeWithLastSubmission: false },
  );
}

function sendPage(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>(resolve => server.close(() => resolve()));
  // Browsers keep connections alive; a closed provider should not wait for them.
  server.closeAllConnections();
  return closed;
}
