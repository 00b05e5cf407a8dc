import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { bluegreenStateReadPermission } from '@bluegreen-istio/plugin-bluegreen-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { BlueGreenStateService } from './BlueGreenStateService';
import { EncodedResponseCache } from './EncodedResponseCache';
import { entityRefSchema, parse } from './validation';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  state: BlueGreenStateService;
  /** The cutover API, mounted beside the read API. */
  cutovers?: express.Router;
}

const labelsSchema = z.record(z.string());

const explainSchema = z
  .object({
    entityRef: entityRefSchema,
    host: z.string().min(1, 'host is required'),
    path: z.string().startsWith('/', 'path must start with /').optional(),
    headers: labelsSchema.optional(),
    sourceLabels: labelsSchema.optional(),
    gateway: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    cluster: z.string().min(1).optional(),
  })
  .strict();

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, state, cutovers } = options;
  const router = Router();
  const encodedStates = new EncodedResponseCache(1_000);
  router.use(express.json({ limit: '64kb' }));

  async function authorizeRead(req: express.Request, entityRef: string) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: bluegreenStateReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the blue/green state of ${entityRef} (permission ${bluegreenStateReadPermission.name})`,
      );
    }
  }

  // Authenticated like every route here, and does nothing else: the floor the benchmark compares to.
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/state', async (req, res) => {
    const { entityRef } = parse(
      z.object({ entityRef: entityRefSchema }),
      req.query,
    );
    await authorizeRead(req, entityRef);
    const snapshot = await state.getState(entityRef);
    if (snapshot.version) {
      encodedStates.send(
        req,
        res,
        entityRef,
        snapshot.version,
        snapshot.response,
      );
    } else {
      res.json(snapshot.response);
    }
  });

  router.post('/explain', async (req, res) => {
    const request = parse(explainSchema, req.body);
    await authorizeRead(req, request.entityRef);
    res.json(await state.explain(request));
  });

  if (cutovers) {
    router.use(cutovers);
  }

  return router;
}
