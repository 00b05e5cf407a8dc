import { parseArgs } from 'node:util';
import { startOidcProvider } from './server';
import { DEMO_ORG_FILE, DEMO_PASSWORD, loadUsers } from './users';

/**
 * `yarn start [--port N] [--host H] [--users FILE] [--client-id ID] [--client-secret S]
 * [--redirect-uri URI]...`; the defaults are what app-config.yaml expects.
 */
async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: env.OIDC_PROVIDER_PORT ?? '7008' },
      host: { type: 'string', default: env.OIDC_PROVIDER_HOST ?? '127.0.0.1' },
      users: { type: 'string', default: DEMO_ORG_FILE },
      'client-id': { type: 'string', default: 'backstage' },
      'client-secret': { type: 'string', default: 'demo-client-secret' },
      'redirect-uri': {
        type: 'string',
        multiple: true,
        default: ['http://localhost:7007/api/auth/oidc/handler/frame'],
      },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port "${values.port}"`);
  }
  const server = await startOidcProvider({
    port,
    host: values.host,
    users: loadUsers(values.users),
    clients: [
      {
        clientId: values['client-id']!,
        clientSecret: values['client-secret']!,
        redirectUris: values['redirect-uri']!,
      },
    ],
  });
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(
    `oidc-provider listening on ${server.url} (users ${server.users
      .map(u => u.username)
      .join(', ')}, password "${DEMO_PASSWORD}")`,
  );
}

main().catch(error => {
  console.error(
    `oidc-provider: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
