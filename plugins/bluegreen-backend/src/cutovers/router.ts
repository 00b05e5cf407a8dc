import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  CUTOVER_STATUSES,
  Cutover,
  CutoverStatus,
  bluegreenCutoverApprovePermission,
  bluegreenCutoverRequestPermission,
  bluegreenStateReadPermission,
  describeCutoverAction,
} from '@bluegreen-istio/plugin-bluegreen-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefSchema, parse } from '../service/validation';
import { CutoverService } from './CutoverService';
import { RolloutEngine } from '../rollouts/RolloutEngine';
import {
  DEFAULT_MAX_POINTS,
  RolloutMetricsReader,
} from '../rollouts/RolloutMetrics';

const STATUSES = CUTOVER_STATUSES as [CutoverStatus, ...CutoverStatus[]];

/** Istio validates subset names as DNS-1123 labels. */
const colourSchema = z
  .string({
    required_error: 'a colour is required',
    invalid_type_error: 'a colour is a string',
  })
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'a colour is a DestinationRule subset name: lower-case letters, digits and -, at most 63',
  );

const weightsSchema = z
  .record(
    colourSchema,
    z
      .number({ invalid_type_error: 'a weight is a number' })
      .int('a weight is a whole number')
      .min(0, 'a weight is at least 0')
      .max(100, 'a weight is at most 100'),
  )
  .refine(w => Object.keys(w).length >= 1, 'name at least one colour')
  .refine(
    w => Object.values(w).reduce((a, b) => a + b, 0) === 100,
    w => ({
      message: `the weights must sum to 100, not ${Object.values(w).reduce(
        (a, b) => a + b,
        0,
      )}`,
    }),
  );

const actionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('switch'), colour: colourSchema }).strict(),
    z.object({ action: z.literal('split'), weights: weightsSchema }).strict(),
    z.object({ action: z.literal('rollback') }).strict(),
    z
      .object({
        action: z.literal('progressive'),
        colour: colourSchema,
        steps: z
          .array(
            z
              .number({ invalid_type_error: 'a step is a number' })
              .int('a step is a whole percent')
              .min(1, 'a step is at least 1')
              .max(100, 'a step is at most 100'),
            { invalid_type_error: 'steps is a list of percents' },
          )
          .min(1, 'steps names at least one step')
          .max(20, 'steps names at most 20 steps')
          .refine(
            steps => steps.every((s, i) => i === 0 || s > steps[i - 1]),
            'steps increase',
          )
          .refine(steps => steps[steps.length - 1] === 100, 'steps end at 100')
          .optional(),
        intervalSeconds: z
          .number({ invalid_type_error: 'intervalSeconds is a number' })
          .int('intervalSeconds is a whole number')
          .max(86400, 'intervalSeconds is at most 86400 (a day)')
          .optional(),
        mode: z
          .enum(['auto', 'manual'], {
            errorMap: () => ({ message: "mode is 'auto' or 'manual'" }),
          })
          .optional(),
        gates: z
          .object({
            minSuccessRatePercent: z
              .number({
                invalid_type_error: 'minSuccessRatePercent is a number',
              })
              .min(0, 'minSuccessRatePercent is at least 0')
              .max(100, 'minSuccessRatePercent is at most 100')
              .optional(),
            maxLatencyP99Ms: z
              .number({ invalid_type_error: 'maxLatencyP99Ms is a number' })
              .positive('maxLatencyP99Ms is more than 0')
              .optional(),
            minRequests: z
              .number({ invalid_type_error: 'minRequests is a number' })
              .int('minRequests is a whole number')
              .min(0, 'minRequests is at least 0')
              .optional(),
            noDataIntervals: z
              .number({ invalid_type_error: 'noDataIntervals is a number' })
              .int('noDataIntervals is a whole number')
              .min(0, 'noDataIntervals is at least 0')
              .max(100, 'noDataIntervals is at most 100')
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union_discriminator
        ? {
            message:
              "action must be 'switch', 'split', 'rollback' or 'progressive'",
          }
        : { message: ctx.defaultError },
  },
);

const requestBodySchema = z
  .object({
    entityRef: entityRefSchema,
    action: actionSchema,
    reason: z
      .string({ invalid_type_error: 'reason is a string' })
      .trim()
      .min(1, 'reason is required: say why the traffic should move')
      .max(2000, 'reason is at most 2000 characters')
      .optional(),
    acknowledgeWarnings: z.boolean().optional(),
    clusters: z
      .array(z.string().min(1, 'a cluster name is not empty'))
      .min(1, 'clusters, when given, names at least one cluster')
      .max(50)
      .optional(),
  })
  .strict();

const createBodySchema = requestBodySchema.refine(b => b.reason, {
  message: 'reason is required: say why the traffic should move',
  path: ['reason'],
});

const decisionSchema = z
  .object({
    comment: z
      .string({ invalid_type_error: 'comment is a string' })
      .max(2000, 'comment is at most 2000 characters')
      .optional(),
  })
  .strict();

const idSchema = z.object({
  id: z.string().uuid('the cutover id is a UUID'),
});

const pageSchema = {
  limit: z.coerce
    .number({ invalid_type_error: 'limit is a number' })
    .int('limit is a whole number')
    .min(1, 'limit is at least 1')
    .max(500, 'limit is at most 500')
    .default(50),
  cursor: z.string().min(1).max(500).optional(),
};

const listQuerySchema = z
  .object({
    entityRef: entityRefSchema.optional(),
    status: z
      .string()
      .transform(s => s.split(',').map(x => x.trim()))
      .pipe(
        z.array(
          z.enum(STATUSES, {
            errorMap: () => ({
              message: `status is a comma-separated list of ${STATUSES.join(
                ', ',
              )}`,
            }),
          }),
        ),
      )
      .optional(),
    approvableBy: z
      .literal('me', {
        errorMap: () => ({ message: "approvableBy only accepts 'me'" }),
      })
      .optional(),
    ...pageSchema,
  })
  .strict();

const metricsQuerySchema = z
  .object({
    maxPoints: z.coerce
      .number({ invalid_type_error: 'maxPoints is a number' })
      .int('maxPoints is a whole number')
      .min(2, 'maxPoints is at least 2')
      .max(2000, 'maxPoints is at most 2000')
      .default(DEFAULT_MAX_POINTS),
  })
  .strict();

const historyQuerySchema = z
  .object({ entityRef: entityRefSchema, ...pageSchema })
  .strict();

export interface CutoverRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  cutovers: CutoverService;
  rollouts: RolloutEngine;
  metrics: RolloutMetricsReader;
}

function summary(cutover: Cutover): JsonObject {
  return {
    cutoverId: cutover.id,
    entityRef: cutover.entityRef,
    action: describeCutoverAction(cutover.action),
    status: cutover.status,
    requestedBy: cutover.requestedBy,
  };
}

/** The cutover API; mounted by the plugin's router. */
export function createCutoverRouter(
  options: CutoverRouterOptions,
): express.Router {
  const { httpAuth, permissions, auditor, cutovers, rollouts, metrics } =
    options;
  const router = Router();

  // A route asks for the caller several times (its own ref, then each permission check): the
  // credentials are read from the request once.
  const callers = new WeakMap<
    express.Request,
    Promise<{ credentials: BackstageCredentials; userRef: string }>
  >();
  function caller(req: express.Request) {
    let known = callers.get(req);
    if (!known) {
      known = httpAuth
        .credentials(req, { allow: ['user'] })
        .then(credentials => ({
          credentials,
          userRef: credentials.principal.userEntityRef,
        }));
      callers.set(req, known);
    }
    return known;
  }

  async function authorize(
    req: express.Request,
    permission: ResourcePermission<'catalog-entity'> | BasicPermission,
    entityRef: string,
    doing: string,
  ) {
    const { credentials, userRef } = await caller(req);
    const [decision] = await permissions.authorize(
      [
        {
          permission: permission as ResourcePermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${doing} ${entityRef} (permission ${permission.name})`,
      );
    }
    return userRef;
  }

  /** Entity refs among `refs` the caller holds `permission` on, asked in one batch. */
  async function allowedRefs(
    req: express.Request,
    permission: ResourcePermission<'catalog-entity'>,
    refs: string[],
  ): Promise<Set<string>> {
    const unique = [...new Set(refs)];
    if (unique.length === 0) return new Set();
    const { credentials } = await caller(req);
    const decisions = await permissions.authorize(
      unique.map(resourceRef => ({
        permission: permission as ResourcePermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      unique.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  /** Runs a mutating call inside an auditor event. */
  async function audited<T extends Cutover>(
    req: express.Request,
    eventId: string,
    meta: JsonObject,
    run: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await run();
      await event.success({ meta: summary(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.post('/cutovers/preview', async (req, res) => {
    const body = parse(requestBodySchema, req.body);
    await authorize(
      req,
      bluegreenCutoverRequestPermission,
      body.entityRef,
      'request a cutover of',
    );
    res.json(await cutovers.preview(body));
  });

  router.post('/cutovers', async (req, res) => {
    const body = parse(createBodySchema, req.body);
    const userRef = await authorize(
      req,
      bluegreenCutoverRequestPermission,
      body.entityRef,
      'request a cutover of',
    );
    const cutover = await audited(
      req,
      'cutover-request',
      {
        entityRef: body.entityRef,
        action: describeCutoverAction(body.action),
        reason: body.reason ?? '',
      },
      () => cutovers.request(body, userRef),
    );
    res.status(201).json(cutover);
  });

  router.get('/cutovers', async (req, res) => {
    const query = parse(listQuerySchema, req.query);
    const { userRef } = await caller(req);
    if (query.entityRef) {
      await authorize(
        req,
        bluegreenStateReadPermission,
        query.entityRef,
        'read the cutovers of',
      );
    }
    const page = await cutovers.list({
      entityRef: query.entityRef,
      statuses: query.status,
      approvableBy: query.approvableBy ? userRef : undefined,
      limit: query.limit,
      cursor: query.cursor,
    });
    const refs = page.items.map(c => c.entityRef);
    const readable = query.entityRef
      ? new Set(refs)
      : await allowedRefs(req, bluegreenStateReadPermission, refs);
    const approvable = query.approvableBy
      ? await allowedRefs(req, bluegreenCutoverApprovePermission, refs)
      : readable;
    res.json({
      ...page,
      items: page.items.filter(
        c => readable.has(c.entityRef) && approvable.has(c.entityRef),
      ),
    });
  });

  /** The cutover `req` names, once the caller has shown they may read its entity's cutovers. */
  async function readableCutover(req: express.Request): Promise<Cutover> {
    const { id } = parse(idSchema, req.params);
    const cutover = await cutovers.get(id);
    await authorize(
      req,
      bluegreenStateReadPermission,
      cutover.entityRef,
      'read the cutovers of',
    );
    return cutover;
  }

  router.get('/cutovers/:id', async (req, res) => {
    res.json(await readableCutover(req));
  });

  router.get('/cutovers/:id/metrics', async (req, res) => {
    const { maxPoints } = parse(metricsQuerySchema, req.query);
    res.json(await metrics.read(await readableCutover(req), { maxPoints }));
  });

  /** Commands on an existing cutover: each authorized on its entity and audited. */
  const commands: Array<{
    verb: string;
    eventId: string;
    doing: string;
    permission: (
      cutover: Cutover,
      userRef: string,
    ) => ResourcePermission<'catalog-entity'>;
    run: (
      cutover: Cutover,
      userRef: string,
      comment?: string,
    ) => Promise<Cutover>;
  }> = [
    {
      verb: 'approve',
      eventId: 'cutover-approve',
      doing: 'approve cutovers of',
      permission: () => bluegreenCutoverApprovePermission,
      run: (c, userRef, comment) => cutovers.approve(c.id, userRef, comment),
    },
    {
      verb: 'reject',
      eventId: 'cutover-reject',
      doing: 'reject cutovers of',
      permission: () => bluegreenCutoverApprovePermission,
      run: (c, userRef, comment) => cutovers.reject(c.id, userRef, comment),
    },
    {
      verb: 'cancel',
      eventId: 'cutover-cancel',
      doing: 'cancel cutovers of',
      permission: () => bluegreenCutoverRequestPermission,
      run: (c, userRef, comment) => cutovers.cancel(c.id, userRef, comment),
    },
    // A running rollout is steered by its requester (as a request of it) or by an approver.
    ...(['promote', 'pause', 'resume', 'abort'] as const).map(verb => ({
      verb,
      eventId: `rollout-${verb}`,
      doing: `${verb} rollouts of`,
      permission: (c: Cutover, userRef: string) =>
        c.requestedBy === userRef
          ? bluegreenCutoverRequestPermission
          : bluegreenCutoverApprovePermission,
      run: (c: Cutover, userRef: string) => rollouts.request(c, verb, userRef),
    })),
  ];
  for (const { verb, eventId, doing, permission, run } of commands) {
    router.post(`/cutovers/:id/${verb}`, async (req, res) => {
      const { id } = parse(idSchema, req.params);
      const { comment } = parse(decisionSchema, req.body ?? {});
      const cutover = await cutovers.get(id);
      const { userRef } = await caller(req);
      await authorize(
        req,
        permission(cutover, userRef),
        cutover.entityRef,
        doing,
      );
      res.json(
        await audited(
          req,
          eventId,
          {
            cutoverId: id,
            entityRef: cutover.entityRef,
            comment: comment ?? '',
          },
          () => run(cutover, userRef, comment),
        ),
      );
    });
  }

  router.get('/history', async (req, res) => {
    const query = parse(historyQuerySchema, req.query);
    await authorize(
      req,
      bluegreenStateReadPermission,
      query.entityRef,
      'read the cutovers of',
    );
    res.json(
      await cutovers.history(query.entityRef, {
        limit: query.limit,
        cursor: query.cursor,
      }),
    );
  });

  return router;
}
