import { KubeConfig } from '@kubernetes/client-node';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { RequestOptions, request as httpsRequest } from 'node:https';
import { KubeTestServer, startKubeTestServer } from './server';

/*
 * One table of requests and the answers a real API server gives them. It runs against the test
 * server, and, when KUBE_FIDELITY_KUBECONFIG names a kubeconfig (a cluster with Istio's CRDs),
 * against that cluster, unchanged: whatever passes here behaves like Kubernetes.
 */

type Auth = 'user' | 'none' | 'bogus' | 'readOnly';

interface Target {
  url: string;
  /** TLS material and headers for the user, from the kubeconfig or the test server's token. */
  options(auth: Auth): RequestOptions;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: any;
  headers: IncomingHttpHeaders;
}

/** Values cases hand on to later cases: resourceVersions, names. */
type Context = Record<string, any>;

type Dynamic<T> = T | ((c: Context) => T);

type Json = object | string | number | boolean | null;

interface Request {
  method?: string;
  path: Dynamic<string>;
  body?: Dynamic<Json>;
  contentType?: string;
  auth?: Auth;
}

interface Case extends Request {
  name: string;
  status: number;
  reason?: string;
  /** Compared with toMatchObject. */
  match?: Dynamic<object>;
  /** A field named in details.causes. */
  cause?: string;
  /** A text the Warning header must contain; null: no Warning header. */
  warning?: string | null;
  /** Poll until the answer matches (what a controller does takes a moment in a real cluster). */
  eventually?: boolean;
  /** Open a watch at this path first, send `during`, then expect these events. */
  watch?: { during: Request[]; events: Dynamic<object[]> };
  check?: (reply: Reply, c: Context) => void;
  save?: (reply: Reply, c: Context) => void;
}

const CONFIG = process.env.KUBE_FIDELITY_KUBECONFIG;
const NS = `fidelity-${Date.now().toString(36)}`;
const ISTIO = `/apis/networking.istio.io/v1/namespaces/${NS}`;
const APPS = `/apis/apps/v1/namespaces/${NS}`;
const CORE = `/api/v1/namespaces/${NS}`;
const JSON_PATCH = 'application/json-patch+json';
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

function resolve<T>(value: Dynamic<T>, c: Context): T {
  return typeof value === 'function' ? (value as (c: Context) => T)(c) : value;
}

function virtualService(name: string, weights: unknown[], extra = {}) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: {
      hosts: [`${name}.example.com`],
      http: [
        {
          route: [
            {
              destination: { host: 'web', subset: 'blue' },
              weight: weights[0],
            },
            {
              destination: { host: 'web', subset: 'green' },
              weight: weights[1],
            },
          ],
        },
      ],
      ...extra,
    },
  };
}

function route(blue: number, green: number) {
  return [
    { destination: { host: 'web', subset: 'blue' }, weight: blue },
    { destination: { host: 'web', subset: 'green' }, weight: green },
  ];
}

function deployment(name: string, container: object = {}, spec: object = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'web',
              image: 'registry.k8s.io/pause:3.9',
              ports: [{ containerPort: 8080 }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ...container,
            },
          ],
        },
      },
      ...spec,
    },
  };
}

const routeWeights = (object: any) =>
  object.spec.http[0].route.map((r: any) => r.weight);
const weights = (reply: Reply) => routeWeights(reply.body);
const activePods = (reply: Reply) =>
  reply.body.items.filter((p: any) => !p.metadata.deletionTimestamp);

/** The requests the cutover executor sends: tests of the version and of the replaced routes. */
const cutoverPatch = (rv: string, before: object, after: object) => [
  { op: 'test', path: '/metadata/resourceVersion', value: rv },
  { op: 'test', path: '/spec/http/0/route', value: before },
  { op: 'replace', path: '/spec/http/0/route', value: after },
];

const CASES: Case[] = [
  {
    name: 'creates a namespace',
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    status: 201,
    match: { metadata: { name: NS } },
  },
  {
    name: 'creates a valid VirtualService at generation 1',
    method: 'POST',
    path: `${ISTIO}/virtualservices`,
    body: virtualService('web', [100, 0]),
    status: 201,
    match: { metadata: { name: 'web', generation: 1 } },
    warning: null,
    save: (r, c) => {
      c.rv = r.body.metadata.resourceVersion;
    },
  },
  {
    name: 'refuses a duplicate with 409 AlreadyExists',
    method: 'POST',
    path: `${ISTIO}/virtualservices`,
    body: virtualService('web', [100, 0]),
    status: 409,
    reason: 'AlreadyExists',
    match: {
      details: {
        name: 'web',
        group: 'networking.istio.io',
        kind: 'virtualservices',
      },
    },
  },
  {
    name: 'refuses a weight of the wrong type with 422 naming the field',
    method: 'POST',
    path: `${ISTIO}/virtualservices`,
    body: virtualService('typo', ['fifty', 50]),
    status: 422,
    reason: 'Invalid',
    cause: 'spec.http[0].route[0].weight',
    match: {
      message: expect.stringContaining('spec.http[0].route[0].weight'),
      details: {
        name: 'typo',
        group: 'networking.istio.io',
        kind: 'VirtualService',
      },
    },
  },
  {
    name: 'refuses an unknown field under fieldValidation=Strict with 400',
    method: 'POST',
    path: `${ISTIO}/virtualservices?fieldValidation=Strict`,
    body: virtualService('strict', [50, 50], { bogusField: true }),
    status: 400,
    reason: 'BadRequest',
    match: {
      message: expect.stringContaining('unknown field "spec.bogusField"'),
    },
  },
  {
    name: 'drops an unknown field with a warning under fieldValidation=Warn',
    method: 'POST',
    path: `${ISTIO}/virtualservices?fieldValidation=Warn`,
    body: virtualService('warn', [50, 50], { bogusField: true }),
    status: 201,
    warning: 'unknown field "spec.bogusField"',
    check: r => expect(r.body.spec.bogusField).toBeUndefined(),
  },
  {
    name: 'warns about an unknown field by default (Warn is the server default)',
    method: 'POST',
    path: `${ISTIO}/virtualservices`,
    body: virtualService('default', [50, 50], { bogusField: true }),
    status: 201,
    warning: 'unknown field "spec.bogusField"',
    check: r => expect(r.body.spec.bogusField).toBeUndefined(),
  },
  {
    name: 'drops an unknown field silently under fieldValidation=Ignore',
    method: 'POST',
    path: `${ISTIO}/virtualservices?fieldValidation=Ignore`,
    body: virtualService('ignore', [50, 50], { bogusField: true }),
    status: 201,
    warning: null,
    check: r => expect(r.body.spec.bogusField).toBeUndefined(),
  },
  {
    name: 'refuses an unknown fieldValidation value with 400',
    method: 'POST',
    path: `${ISTIO}/virtualservices?fieldValidation=Loose`,
    body: virtualService('loose', [50, 50]),
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'refuses a DestinationRule with an unsupported enum value',
    method: 'POST',
    path: `${ISTIO}/destinationrules`,
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'web' },
      spec: {
        host: 'web',
        trafficPolicy: { loadBalancer: { simple: 'BOGUS' } },
      },
    },
    status: 422,
    reason: 'Invalid',
    cause: 'spec.trafficPolicy.loadBalancer.simple',
  },
  {
    name: 'refuses a Gateway whose port number is a string',
    method: 'POST',
    path: `${ISTIO}/gateways`,
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: {
        servers: [
          {
            hosts: ['*'],
            port: { number: 'eighty', name: 'http', protocol: 'HTTP' },
          },
        ],
      },
    },
    status: 422,
    reason: 'Invalid',
    cause: 'spec.servers[0].port.number',
  },
  {
    name: 'answers a missing object with 404 NotFound naming it',
    path: `${ISTIO}/virtualservices/nope`,
    status: 404,
    reason: 'NotFound',
    match: {
      kind: 'Status',
      status: 'Failure',
      message: 'virtualservices.networking.istio.io "nope" not found',
      details: {
        name: 'nope',
        group: 'networking.istio.io',
        kind: 'virtualservices',
      },
      code: 404,
    },
  },
  {
    name: 'bumps the generation on a spec change through a merge patch',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: MERGE,
    body: { spec: { http: [{ route: route(90, 10) }] } },
    status: 200,
    match: { metadata: { generation: 2 } },
    save: (r, c) => {
      c.staleRv = c.rv;
      c.rv = r.body.metadata.resourceVersion;
    },
  },
  {
    name: 'keeps the generation on a metadata-only patch',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: MERGE,
    body: { metadata: { labels: { stage: 'cutover' } } },
    status: 200,
    match: { metadata: { generation: 2, labels: { stage: 'cutover' } } },
    save: (r, c) => {
      c.rv = r.body.metadata.resourceVersion;
    },
  },
  {
    name: 'refuses an update with a stale resourceVersion with 409 Conflict',
    method: 'PUT',
    path: `${ISTIO}/virtualservices/web`,
    body: c => ({
      ...virtualService('web', [0, 100]),
      metadata: { name: 'web', resourceVersion: c.staleRv },
    }),
    status: 409,
    reason: 'Conflict',
    match: { details: { name: 'web', kind: 'virtualservices' } },
  },
  {
    name: 'refuses a merge patch with a stale resourceVersion with 409 Conflict',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: MERGE,
    body: c => ({
      metadata: { resourceVersion: c.staleRv },
      spec: { hosts: ['x'] },
    }),
    status: 409,
    reason: 'Conflict',
  },
  {
    name: 'refuses a strategic merge patch of a custom resource with 415',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: STRATEGIC,
    body: { metadata: { labels: { x: 'y' } } },
    status: 415,
    reason: 'UnsupportedMediaType',
    match: { message: expect.stringContaining('application/merge-patch+json') },
  },
  {
    name: 'refuses a JSON patch that is not a list of operations with 400',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: JSON_PATCH,
    body: { op: 'replace', path: '/spec/hosts', value: [] },
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'dry-runs the cutover JSON patch (dryRun=All): the answer shows the change',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web?dryRun=All`,
    contentType: JSON_PATCH,
    body: c => cutoverPatch(c.rv, route(90, 10), route(0, 100)),
    status: 200,
    check: r => expect(weights(r)).toEqual([0, 100]),
  },
  {
    name: 'writes nothing in a dry run',
    path: `${ISTIO}/virtualservices/web`,
    status: 200,
    match: c => ({ metadata: { resourceVersion: c.rv, generation: 2 } }),
    check: r => expect(weights(r)).toEqual([90, 10]),
  },
  {
    name: 'refuses a dry-run cutover patch testing a stale resourceVersion with 422',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web?dryRun=All`,
    contentType: JSON_PATCH,
    body: c => cutoverPatch(c.staleRv, route(90, 10), route(0, 100)),
    status: 422,
    reason: 'Invalid',
  },
  {
    name: 'applies the cutover JSON patch (tests on resourceVersion and routes, then replace)',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: JSON_PATCH,
    body: c => cutoverPatch(c.rv, route(90, 10), route(0, 100)),
    status: 200,
    match: { metadata: { generation: 3 } },
    check: r => expect(weights(r)).toEqual([0, 100]),
    save: (r, c) => {
      c.beforeCutoverRv = c.rv;
      c.rv = r.body.metadata.resourceVersion;
    },
  },
  {
    name: 'refuses the same cutover patch again (stale resourceVersion) with 422',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: JSON_PATCH,
    body: c => cutoverPatch(c.beforeCutoverRv, route(90, 10), route(0, 100)),
    status: 422,
    reason: 'Invalid',
    match: {
      message: 'the server rejected our request due to an error in our request',
    },
  },
  {
    name: 'refuses a cutover patch whose tested route changed meanwhile with 422',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: JSON_PATCH,
    body: c => cutoverPatch(c.rv, route(90, 10), route(50, 50)),
    status: 422,
    reason: 'Invalid',
  },
  {
    name: 'applies a revert with test and add operations',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: JSON_PATCH,
    body: c => [
      { op: 'test', path: '/metadata/resourceVersion', value: c.rv },
      { op: 'test', path: '/spec/http/0/route', value: route(0, 100) },
      { op: 'replace', path: '/spec/http/0/route', value: route(90, 10) },
      { op: 'add', path: '/metadata/annotations', value: { reverted: 'true' } },
    ],
    status: 200,
    match: { metadata: { annotations: { reverted: 'true' }, generation: 4 } },
    check: r => expect(weights(r)).toEqual([90, 10]),
    save: (r, c) => {
      c.rv = r.body.metadata.resourceVersion;
    },
  },
  {
    name: 'validates the result of a JSON patch: a string weight is 422 naming the field',
    method: 'PATCH',
    path: `${ISTIO}/virtualservices/web`,
    contentType: JSON_PATCH,
    body: [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 'ninety' },
    ],
    status: 422,
    reason: 'Invalid',
    cause: 'spec.http[0].route[0].weight',
  },
  {
    name: 'lists at an exact past resourceVersion: the objects as they were',
    path: c =>
      `${ISTIO}/virtualservices?resourceVersion=${c.beforeCutoverRv}&resourceVersionMatch=Exact&fieldSelector=metadata.name%3Dweb`,
    status: 200,
    match: c => ({ metadata: { resourceVersion: c.beforeCutoverRv } }),
    check: r => expect(r.body.items.map(routeWeights)).toEqual([[90, 10]]),
  },
  {
    name: 'lists NotOlderThan a resourceVersion it has reached: the newest objects',
    path: c =>
      `${ISTIO}/virtualservices?resourceVersion=${c.beforeCutoverRv}&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Dweb`,
    status: 200,
    check: (r, c) => {
      expect(r.body.items.map((i: any) => i.metadata.resourceVersion)).toEqual([
        c.rv,
      ]);
    },
  },
  {
    name: 'refuses resourceVersionMatch without a resourceVersion with 422 on ListOptions',
    path: `${ISTIO}/virtualservices?resourceVersionMatch=Exact`,
    status: 422,
    reason: 'Invalid',
    cause: 'resourceVersionMatch',
  },
  {
    name: 'answers a list from a resourceVersion not reached yet with 504 ResourceVersionTooLarge',
    path: c =>
      `${ISTIO}/virtualservices?resourceVersion=${Number(c.rv) + 1_000_000}`,
    status: 504,
    reason: 'Timeout',
    match: {
      message: expect.stringContaining('Too large resource version'),
      details: {
        causes: [
          expect.objectContaining({ reason: 'ResourceVersionTooLarge' }),
        ],
      },
    },
  },
  {
    name: 'ends a watch from a resourceVersion not reached yet with a 504 ERROR event',
    path: c =>
      `${ISTIO}/virtualservices?watch=true&timeoutSeconds=10&resourceVersion=${
        Number(c.rv) + 1_000_000
      }`,
    status: 200,
    watch: {
      during: [],
      events: [
        {
          type: 'ERROR',
          object: {
            kind: 'Status',
            code: 504,
            reason: 'Timeout',
            details: {
              causes: [
                expect.objectContaining({ reason: 'ResourceVersionTooLarge' }),
              ],
            },
          },
        },
      ],
    },
  },
  {
    name: 'watches patches as MODIFIED events in order',
    path: c =>
      `${ISTIO}/virtualservices?watch=true&timeoutSeconds=10&fieldSelector=metadata.name%3Dweb&resourceVersion=${c.rv}`,
    status: 200,
    watch: {
      during: [
        {
          method: 'PATCH',
          path: `${ISTIO}/virtualservices/web`,
          contentType: MERGE,
          body: { spec: { http: [{ route: route(70, 30) }] } },
        },
        {
          method: 'PATCH',
          path: `${ISTIO}/virtualservices/web`,
          contentType: MERGE,
          body: { spec: { http: [{ route: route(60, 40) }] } },
        },
      ],
      events: [
        {
          type: 'MODIFIED',
          object: { spec: { http: [{ route: route(70, 30) }] } },
        },
        {
          type: 'MODIFIED',
          object: { spec: { http: [{ route: route(60, 40) }] } },
        },
      ],
    },
  },
  {
    name: 'answers a request without valid credentials with 401',
    path: `${ISTIO}/virtualservices`,
    auth: 'bogus',
    status: 401,
    reason: 'Unauthorized',
    match: {
      kind: 'Status',
      status: 'Failure',
      message: 'Unauthorized',
      code: 401,
    },
  },
  {
    name: 'answers a write without permission with 403 worded as RBAC words it',
    method: 'POST',
    path: `${CORE}/configmaps`,
    auth: 'readOnly',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'denied' } },
    status: 403,
    reason: 'Forbidden',
    match: {
      message: expect.stringContaining(
        `cannot create resource "configmaps" in API group "" in the namespace "${NS}"`,
      ),
      details: { kind: 'configmaps' },
    },
  },
  {
    name: 'creates nothing in a dry-run create',
    method: 'POST',
    path: `${CORE}/configmaps?dryRun=All`,
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } },
    status: 201,
    match: { metadata: { name: 'dry' } },
  },
  {
    name: 'has nothing after the dry-run create',
    path: `${CORE}/configmaps/dry`,
    status: 404,
    reason: 'NotFound',
  },
  {
    name: 'creates a Deployment',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: deployment('web'),
    status: 201,
    match: { metadata: { generation: 1 }, spec: { replicas: 2 } },
  },
  {
    name: 'refuses a Deployment whose selector does not match its template',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: {
      ...deployment('mismatch'),
      spec: {
        ...deployment('mismatch').spec,
        selector: { matchLabels: { app: 'other' } },
      },
    },
    status: 422,
    reason: 'Invalid',
    cause: 'spec.template.metadata.labels',
  },
  {
    name: 'refuses an invalid container name',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: deployment('badname', { name: 'Web_1' }),
    status: 422,
    reason: 'Invalid',
    cause: 'spec.template.spec.containers[0].name',
  },
  {
    name: 'refuses a container without an image',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: deployment('noimage', { image: '' }),
    status: 422,
    reason: 'Invalid',
    cause: 'spec.template.spec.containers[0].image',
  },
  {
    name: 'refuses a container port out of range',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: deployment('badport', { ports: [{ containerPort: 70000 }] }),
    status: 422,
    reason: 'Invalid',
    cause: 'spec.template.spec.containers[0].ports[0].containerPort',
  },
  {
    name: 'refuses an invalid label value',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: {
      ...deployment('badlabel'),
      metadata: { name: 'badlabel', labels: { app: 'not a label!' } },
    },
    status: 422,
    reason: 'Invalid',
    cause: 'metadata.labels',
  },
  {
    name: 'refuses a Deployment with an unknown container field under Strict with 400',
    method: 'POST',
    path: `${APPS}/deployments?fieldValidation=Strict`,
    body: deployment('strict', { imagePullPolice: 'Always' }),
    status: 400,
    reason: 'BadRequest',
    match: {
      message: expect.stringContaining(
        'unknown field "spec.template.spec.containers[0].imagePullPolice"',
      ),
    },
  },
  {
    name: 'refuses replicas that are not a number with 400',
    method: 'POST',
    path: `${APPS}/deployments`,
    body: deployment('typed', {}, { replicas: 'two' }),
    status: 400,
    reason: 'BadRequest',
  },
  {
    name: 'refuses a Service port of 0',
    method: 'POST',
    path: `${CORE}/services`,
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 0 }] },
    },
    status: 422,
    reason: 'Invalid',
    cause: 'spec.ports[0].port',
  },
  {
    name: 'strategic merge (kubectl set image): merges containers by name, keeps ports, stores no directives',
    method: 'PATCH',
    path: `${APPS}/deployments/web`,
    contentType: STRATEGIC,
    body: {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
          },
        },
      },
    },
    status: 200,
    match: { metadata: { generation: 2 } },
    check: r => {
      const [container] = r.body.spec.template.spec.containers;
      expect(container).toMatchObject({
        image: 'registry.k8s.io/pause:3.10',
        ports: [{ containerPort: 8080 }],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      });
      expect(JSON.stringify(r.body.spec)).not.toContain('$');
    },
  },
  {
    name: 'strategic merge: $patch delete removes one env entry by name',
    method: 'PATCH',
    path: `${APPS}/deployments/web`,
    contentType: STRATEGIC,
    body: {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', env: [{ name: 'A', $patch: 'delete' }] },
            ],
          },
        },
      },
    },
    status: 200,
    check: r =>
      expect(r.body.spec.template.spec.containers[0].env).toEqual([
        { name: 'B', value: '2' },
      ]),
  },
  {
    name: 'strategic merge: $retainKeys drops what it does not retain',
    method: 'PATCH',
    path: `${APPS}/deployments/web`,
    contentType: STRATEGIC,
    body: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    status: 200,
    match: { spec: { strategy: { type: 'Recreate' } } },
    check: r => expect(r.body.spec.strategy.rollingUpdate).toBeUndefined(),
  },
  {
    name: 'runs the Deployment: two scheduled pods',
    path: `${CORE}/pods?labelSelector=app%3Dweb`,
    status: 200,
    eventually: true,
    check: r =>
      expect(activePods(r).map((p: any) => typeof p.spec.nodeName)).toEqual([
        'string',
        'string',
      ]),
    save: (r, c) => {
      c.pods = r.body.items
        .filter((p: any) => !p.metadata.deletionTimestamp)
        .map((p: any) => p.metadata.name);
    },
  },
  {
    name: 'deletes a pod gracefully: deletionTimestamp and the grace period',
    method: 'DELETE',
    path: c => `${CORE}/pods/${c.pods[0]}`,
    status: 200,
    match: {
      kind: 'Pod',
      metadata: {
        deletionTimestamp: expect.any(String),
        deletionGracePeriodSeconds: 5,
      },
    },
  },
  {
    name: 'replaces the terminating pod at once: it does not count toward replicas',
    path: `${CORE}/pods?labelSelector=app%3Dweb`,
    status: 200,
    eventually: true,
    check: (r, c) =>
      expect({
        count: activePods(r).length,
        old: activePods(r).some((p: any) => p.metadata.name === c.pods[0]),
      }).toEqual({ count: 2, old: false }),
    save: (r, c) => {
      c.replacement = r.body.items.find(
        (p: any) =>
          !p.metadata.deletionTimestamp && p.metadata.name !== c.pods[1],
      ).metadata.name;
    },
  },
  {
    name: 'removes the terminated pod after its grace period',
    path: c => `${CORE}/pods/${c.pods[0]}`,
    status: 404,
    reason: 'NotFound',
    eventually: true,
  },
  {
    name: 'deletes a pod at once with gracePeriodSeconds=0',
    method: 'DELETE',
    path: c => `${CORE}/pods/${c.replacement}?gracePeriodSeconds=0`,
    status: 200,
    match: { kind: 'Pod' },
  },
  {
    name: 'has no pod after a delete with gracePeriodSeconds=0',
    path: c => `${CORE}/pods/${c.replacement}`,
    status: 404,
    reason: 'NotFound',
  },
  {
    name: 'answers an exact list at a compacted resourceVersion with 410 Expired',
    path: `${ISTIO}/virtualservices?resourceVersion=1&resourceVersionMatch=Exact`,
    status: 410,
    reason: 'Expired',
  },
];

function send(target: Target, req: Request, c: Context): Promise<Reply> {
  const url = new URL(resolve(req.path, c), target.url);
  const body =
    req.body === undefined ? undefined : JSON.stringify(resolve(req.body, c));
  const options = target.options(req.auth ?? 'user');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const outgoing = request(
      url,
      {
        ...options,
        method: req.method ?? 'GET',
        headers: {
          ...options.headers,
          accept: 'application/json',
          ...(body !== undefined && {
            'content-type': req.contentType ?? 'application/json',
          }),
        },
      },
      response => {
        let text = '';
        response.on('data', chunk => (text += chunk));
        response.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: keep the text, the expectation will say what was wrong.
          }
          done({
            status: response.statusCode!,
            body: parsed,
            headers: response.headers,
          });
        });
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

/** Opens a watch, sends the requests, and collects `count` events (or what came in 10 s). */
function watchDuring(
  target: Target,
  path: string,
  during: Request[],
  count: number,
  c: Context,
): Promise<{ status: number; events: any[] }> {
  const url = new URL(path, target.url);
  const options = target.options('user');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const events: any[] = [];
    const outgoing = request(url, { ...options, method: 'GET' }, response => {
      let buffer = '';
      const timer = setTimeout(() => finish(), 10_000);
      function finish() {
        clearTimeout(timer);
        outgoing.destroy();
        done({ status: response.statusCode!, events });
      }
      response.on('data', chunk => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        events.push(...lines.filter(Boolean).map(line => JSON.parse(line)));
        if (events.length >= count) finish();
      });
      response.on('end', finish);
      (async () => {
        for (const req of during) {
          await send(target, req, c);
        }
      })().catch(fail);
    });
    outgoing.on('error', error => {
      if (events.length < count) fail(error);
    });
    outgoing.end();
  });
}

async function testServerTarget(): Promise<Target> {
  const server: KubeTestServer = await startKubeTestServer({
    readOnlyTokens: ['fidelity-viewer'],
    // Small enough that the suite's own writes compact resourceVersion 1 away.
    watchWindow: 30,
    resourceVersionWaitMs: 200,
  });
  const bearer = (token: string) => ({
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    url: server.url,
    options: auth =>
      ({
        user: bearer(server.token),
        readOnly: bearer('fidelity-viewer'),
        bogus: bearer('not-a-token'),
        none: {},
      }[auth]),
    close: () => server.close(),
  };
}

/** A real cluster: the kubeconfig's user, a bogus token, and an impersonated user without RBAC. */
async function clusterTarget(file: string): Promise<Target> {
  const config = new KubeConfig();
  config.loadFromFile(file);
  const user: RequestOptions = {};
  await config.applyToHTTPSOptions(user);
  const { cert: _cert, key: _key, headers: _headers, ...tlsOnly } = user;
  return {
    url: config.getCurrentCluster()!.server,
    options: auth => {
      switch (auth) {
        case 'user':
          return user;
        case 'readOnly':
          return {
            ...user,
            headers: {
              ...user.headers,
              'Impersonate-User': 'kube-fidelity-nobody',
            },
          };
        case 'bogus':
          return {
            ...tlsOnly,
            headers: { authorization: 'Bearer not-a-token' },
          };
        default:
          return tlsOnly;
      }
    },
    close: async () => undefined,
  };
}

/** The texts of `Warning: 299 - "<quoted text>"` headers, one a line; null when none. */
function warningsOf(headers: IncomingHttpHeaders): string | null {
  const header = headers.warning;
  if (!header) {
    return null;
  }
  return [...String(header).matchAll(/299 - ("(?:[^"\\]|\\.)*")/g)]
    .map(([, quoted]) => JSON.parse(quoted))
    .join('\n');
}

/** What a case expects, in the shape of `observe`'s answer. */
function expectationOf(spec: Case, c: Context): object {
  return {
    status: spec.status,
    ...(spec.reason && { reason: spec.reason }),
    ...(spec.match && { body: resolve(spec.match, c) }),
    ...(spec.cause && { causes: expect.arrayContaining([spec.cause]) }),
    ...(spec.warning !== undefined && {
      warning:
        spec.warning === null ? null : expect.stringContaining(spec.warning),
    }),
    ...(spec.watch && { events: resolve(spec.watch.events, c) }),
  };
}

/** Sends a case's request (or opens its watch) and answers what the expectations compare. */
async function observe(target: Target, spec: Case, c: Context) {
  if (spec.watch) {
    const expected = resolve(spec.watch.events, c);
    const { status, events } = await watchDuring(
      target,
      resolve(spec.path, c),
      spec.watch.during,
      expected.length,
      c,
    );
    return { actual: { status, events }, reply: undefined };
  }
  const reply = await send(target, spec, c);
  return {
    reply,
    actual: {
      status: reply.status,
      reason: reply.body?.reason,
      body: reply.body,
      causes: (reply.body?.details?.causes ?? []).map((x: any) => x.field),
      warning: warningsOf(reply.headers),
    },
  };
}

/** Observes until the expectations hold: at once, or within 20 s for `eventually` cases. */
async function run(target: Target, spec: Case, c: Context) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const observed = await observe(target, spec, c);
    try {
      expect(observed.actual).toMatchObject(expectationOf(spec, c));
      if (observed.reply) spec.check?.(observed.reply, c);
      return observed;
    } catch (error) {
      if (!spec.eventually || Date.now() > deadline) {
        return observed;
      }
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

describe(`fidelity: the answers of ${
  CONFIG ? `the cluster in ${CONFIG}` : 'the test server'
}`, () => {
  let target: Target;
  const context: Context = {};

  beforeAll(async () => {
    target = CONFIG ? await clusterTarget(CONFIG) : await testServerTarget();
  });

  afterAll(async () => {
    await send(
      target,
      { method: 'DELETE', path: `/api/v1/namespaces/${NS}` },
      context,
    );
    await target.close();
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map(c => [c.name, c] as const))('%s', async (_name, spec) => {
    const { actual, reply } = await run(target, spec, context);
    expect(actual).toMatchObject(expectationOf(spec, context));
    const checked = reply ?? { status: 0, body: {}, headers: {} };
    spec.check?.(checked, context);
    spec.save?.(checked, context);
  });
});
