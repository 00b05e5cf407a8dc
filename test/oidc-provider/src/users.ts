import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/** A person who can sign in at the provider. */
export interface DemoUser {
  /** What they type into the login form; also their `sub`. */
  username: string;
  email: string;
  displayName: string;
}

/** Every demo user's password. It protects nothing: the demo runs on loopback, holding only its seed. */
export const DEMO_PASSWORD = 'demo';

/** The demo catalog's users: the provider signs in exactly the people the catalog knows. */
// The package runs from source only (tests, `yarn start`), never bundled, so __dirname holds.
// eslint-disable-next-line no-restricted-syntax
const SRC_DIR = __dirname;
export const DEMO_ORG_FILE = path.resolve(
  SRC_DIR,
  '../../../examples/org.yaml',
);

/**
 * Reads the catalog `User` entities of a catalog file. Only users with `spec.profile.email` are
 * returned: Backstage finds the signed-in user by that email, so a user without one could sign in
 * here but not into the portal.
 */
export function loadUsers(file: string = DEMO_ORG_FILE): DemoUser[] {
  const docs = yaml.loadAll(fs.readFileSync(file, 'utf8')) as any[];
  return docs
    .filter(doc => doc?.kind === 'User' && doc.spec?.profile?.email)
    .map(doc => ({
      username: doc.metadata.name,
      email: doc.spec.profile.email,
      displayName: doc.spec.profile.displayName ?? doc.metadata.name,
    }));
}
