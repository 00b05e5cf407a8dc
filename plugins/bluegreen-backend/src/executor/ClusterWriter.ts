import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type {
  JsonPatchOperation,
  ObjectRef,
} from '@bluegreen-istio/plugin-bluegreen-common';

/** Istio kinds the cutover reads or writes, by their API plural. */
const PLURALS: Record<string, string> = {
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  Gateway: 'gateways',
};

/**
 * The cluster refused a write because the object is not what the plan was made against: a stale
 * resourceVersion (409), a failed `test` operation (422), or the object is gone (404).
 */
export class ObjectChangedError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ObjectChangedError';
  }
}

/**
 * Any other failure. When `uncertain`, no answer came back (timeout, dropped connection): the
 * write may or may not have landed, and only reading the object tells.
 */
export class WriteFailedError extends Error {
  constructor(
    message: string,
    readonly uncertain: boolean,
    readonly status?: number,
    /**
     * For a write that timed out: the request is still in flight, and this settles with the
     * object if it lands after all, or undefined if it fails or stays unanswered much longer.
     */
    readonly late?: Promise<IstioObject | undefined>,
  ) {
    super(message);
    this.name = 'WriteFailedError';
  }
}

export interface IstioObject extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & {
    name: string;
    resourceVersion?: string;
  };
  spec?: any;
}

/** Reads and writes Istio objects on one cluster; the only place the cutover path does cluster I/O. */
export interface ClusterWriter {
  readonly cluster: string;
  /** Undefined when the object does not exist. */
  get(ref: ObjectRef): Promise<IstioObject | undefined>;
  jsonPatch(
    ref: ObjectRef,
    patch: JsonPatchOperation[],
    options?: { dryRun?: boolean },
  ): Promise<IstioObject>;
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function statusMessage(e: any): string {
  const body = e?.body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed?.message) return String(parsed.message);
  } catch {
    // not a Status object: fall through to the client's message
  }
  return String(e?.message ?? e).slice(0, 300);
}

export class KubernetesClusterWriter implements ClusterWriter {
  private readonly api: CustomObjectsApi;

  constructor(
    readonly cluster: string,
    kubeConfig: KubeConfig,
    private readonly timeoutMs: number,
  ) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async get(ref: ObjectRef): Promise<IstioObject | undefined> {
    try {
      return await this.withTimeout(
        this.api.getNamespacedCustomObject({
          ...this.address(ref),
        }),
        `reading ${describe(ref)}`,
      );
    } catch (e) {
      if ((e as any)?.code === 404) {
        return undefined;
      }
      throw this.failure(e, `reading ${describe(ref)}`);
    }
  }

  async jsonPatch(
    ref: ObjectRef,
    patch: JsonPatchOperation[],
    options: { dryRun?: boolean } = {},
  ): Promise<IstioObject> {
    const what = `${options.dryRun ? 'dry-run patch' : 'patch'} of ${describe(
      ref,
    )}`;
    const sent: Promise<IstioObject> = this.api.patchNamespacedCustomObject(
      {
        ...this.address(ref),
        body: patch,
        dryRun: options.dryRun ? 'All' : undefined,
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    try {
      return await this.withTimeout(sent, what, sent);
    } catch (e) {
      throw this.failure(e, what);
    }
  }

  private address(ref: ObjectRef) {
    const [group, version] = ref.apiVersion.split('/');
    const plural = PLURALS[ref.kind];
    if (!plural || !version) {
      throw new Error(
        `cannot address ${ref.apiVersion} ${ref.kind}: only networking.istio.io kinds are written`,
      );
    }
    return { group, version, namespace: ref.namespace, plural, name: ref.name };
  }

  private failure(e: unknown, what: string): Error {
    if (e instanceof WriteFailedError || e instanceof ObjectChangedError) {
      return e;
    }
    const status = (e as any)?.code;
    const where = `cluster '${this.cluster}'`;
    if (status === 409 || status === 422 || status === 404) {
      return new ObjectChangedError(
        `${where} refused the ${what} (${status}): ${statusMessage(e)}`,
        status,
      );
    }
    if (typeof status === 'number') {
      return new WriteFailedError(
        `${where} refused the ${what} (${status}): ${statusMessage(e)}`,
        false,
        status,
      );
    }
    return new WriteFailedError(
      `${where} did not answer the ${what}: ${statusMessage(e)}`,
      true,
    );
  }

  /** How long a timed-out write is still awaited before only reading the object can tell. */
  private lateWrite(write: Promise<IstioObject>) {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), this.timeoutMs * 3);
    });
    return Promise.race([write.catch(() => undefined), giveUp]).finally(() =>
      clearTimeout(timer),
    );
  }

  private async withTimeout<T>(
    promise: Promise<T>,
    what: string,
    write?: Promise<IstioObject>,
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WriteFailedError(
              `cluster '${this.cluster}' did not answer the ${what} within ${this.timeoutMs} ms`,
              true,
              undefined,
              write && this.lateWrite(write),
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
