// The package ships no types and @types/oidc-provider is not a dependency: these are the parts of
// its v9 API this package uses, as documented in its README and docs/README.md.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  export interface Client {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface Interaction {
    uid: string;
    prompt: { name: string };
  }

  export interface KoaContextWithOIDC {
    oidc: {
      provider: Provider;
      client?: Client;
      params?: Record<string, unknown>;
      result?: { consent?: { grantId?: string } };
      session?: { accountId: string; grantIdFor(clientId: string): string };
    };
  }

  export interface Configuration {
    clients: Array<Record<string, unknown>>;
    findAccount(
      ctx: KoaContextWithOIDC,
      sub: string,
    ): Promise<Account | undefined>;
    claims: Record<string, string[]>;
    interactions: {
      url(ctx: KoaContextWithOIDC, interaction: Interaction): string;
    };
    features: Record<string, { enabled: boolean }>;
    jwks: { keys: Array<Record<string, unknown>> };
    cookies: { keys: string[] };
    /** Seconds each kind of artifact lives. */
    ttl: Record<string, number>;
    loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined>;
    issueRefreshToken(
      ctx: KoaContextWithOIDC,
      client: Client,
    ): Promise<boolean>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: {
      new (init: { clientId: string; accountId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(
      req: IncomingMessage,
      res: ServerResponse,
    ): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: { login: { accountId: string } },
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
