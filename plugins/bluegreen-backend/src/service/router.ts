import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { BlueGreenStateService } from './BlueGreenStateService';
import { EncodedResponseCache } from './EncodedResponseCache';
import { StateReadAuthorizer } from './StateReadAuthorizer';
import { entityRefSchema, parse } from './validation';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  state: BlueGreenStateService;
  /** The cutover API, mounted beside the read API. */
  cutovers?: express.Router;
}

const entityRefQuerySchema = z.object({ entityRef: entityRefSchema });

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

  const reads = new StateReadAuthorizer(httpAuth, permissions);

  // Authenticated like every route here, and does nothing else.
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // What /state costs before any state is read: the same query check and the same permission
  // decision, then a constant. It is the floor `yarn bench:state` compares /state to, so that
  // the ratio measures the state itself and not the price of authorization.
  router.get('/health/authorized', async (req, res) => {
    const { entityRef } = parse(entityRefQuerySchema, req.query);
    await reads.authorize(req, entityRef);
    res.json({ status: 'ok' });
  });

  router.get('/state', async (req, res) => {
    const { entityRef } = parse(entityRefQuerySchema, req.query);
    await reads.authorize(req, entityRef);
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
    await reads.authorize(req, request.entityRef);
    res.json(await state.explain(request));
  });

  if (cutovers) {
    router.use(cutovers);
  }

  return router;
}
