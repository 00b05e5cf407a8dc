export { startOidcProvider } from './server';
export type {
  OidcClient,
  OidcProviderOptions,
  OidcProviderServer,
} from './server';
export { DEMO_ORG_FILE, DEMO_PASSWORD, loadUsers } from './users';
export type { DemoUser } from './users';
export { signInToBackstage } from './backstageSignIn';
export type { BackstageSession } from './backstageSignIn';
export { UserAgent, submitLoginForm } from './userAgent';
