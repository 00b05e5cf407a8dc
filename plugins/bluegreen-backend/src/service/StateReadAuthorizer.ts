import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { bluegreenStateReadPermission } from '@bluegreen-istio/plugin-bluegreen-common';
import { Request } from 'express';
import { LRUCache } from 'lru-cache';

/**
 * How long a user's decision for an entity is reused. Every open Blue/Green tab polls the state
 * every 5 seconds, and several tabs, cards and the explainer of one user ask about the same entity
 * at once; a change of policy or ownership takes effect within this time.
 */
const DECISION_REUSE_MS = 5_000;
const MAX_REUSED_DECISIONS = 10_000;

/**
 * Decides whether the caller may read an entity's blue/green state (`bluegreen.state.read`).
 *
 * Asking the permission backend costs a token issued on the user's behalf, an HTTP request and the
 * policy: more than answering the state from the watch cache, so under many pollers it was most of
 * the cost of `/state`. Backstage's permission client batches the queries of one call only, so
 * decisions are reused here, per user and entity, for {@link DECISION_REUSE_MS}; concurrent
 * requests of one user for one entity share a single question. Service principals are decided by
 * the permissions service itself without a round trip, and are not reused.
 */
export class StateReadAuthorizer {
  private readonly decisions = new LRUCache<string, Promise<AuthorizeResult>>({
    max: MAX_REUSED_DECISIONS,
    ttl: DECISION_REUSE_MS,
  });

  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
  ) {}

  /** Throws NotAllowedError naming the permission unless the caller may read `entityRef`. */
  async authorize(req: Request, entityRef: string): Promise<void> {
    const credentials = await this.httpAuth.credentials(req);
    const result = await this.decide(credentials, entityRef);
    if (result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the blue/green state of ${entityRef} (permission ${bluegreenStateReadPermission.name})`,
      );
    }
  }

  private decide(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<AuthorizeResult> {
    const principal = credentials.principal as Partial<BackstageUserPrincipal>;
    // A user reached through another service is decided afresh: the service may limit it.
    if (principal.type !== 'user' || principal.actor) {
      return this.ask(credentials, entityRef);
    }
    const key = `${principal.userEntityRef}\n${entityRef}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.ask(credentials, entityRef);
      this.decisions.set(key, decision);
      // A failed question is asked again by the next request, not reused.
      decision.catch(() => {
        if (this.decisions.get(key) === decision) this.decisions.delete(key);
      });
    }
    return decision;
  }

  private async ask(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<AuthorizeResult> {
    const [decision] = await this.permissions.authorize(
      [{ permission: bluegreenStateReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result;
  }
}
