import { parseArgs } from 'node:util';
import { signInToBackstage } from './backstageSignIn';

/** `scripts/demo-token.sh <user> [--backend URL]`: prints a Backstage token for a demo user. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: {
        type: 'string',
        default: process.env.BACKSTAGE_BACKEND_URL ?? 'http://localhost:7007',
      },
    },
  });
  if (positionals.length !== 1) {
    throw new Error('usage: demo-token.sh <user> [--backend URL]');
  }
  const session = await signInToBackstage({
    backendUrl: values.backend!,
    username: positionals[0],
  });
  process.stdout.write(`${session.token}\n`);
}

main().catch(error => {
  console.error(
    `demo-token: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
