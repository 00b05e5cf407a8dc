import { KubeTestServer } from '@internal/kube-test-server';

const ISTIO = '/apis/networking.istio.io/v1beta1';

/** Reads and patches VirtualServices of the test server directly, as another cluster user would. */
export function virtualServices(kube: KubeTestServer) {
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${kube.url}${ISTIO}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${kube.token}`,
        'content-type': 'application/json-patch+json',
      },
    });
    if (res.status !== 200) {
      throw new Error(
        `${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`,
      );
    }
    return (await res.json()) as any;
  };
  return {
    get: (namespace: string, name: string) =>
      send(`/namespaces/${namespace}/virtualservices/${name}`),
    patch: (namespace: string, name: string, patch: object[]) =>
      send(`/namespaces/${namespace}/virtualservices/${name}`, {
        method: 'PATCH',
        body: JSON.stringify(patch),
      }),
    list: () => send('/virtualservices'),
  };
}

/** The weight of each subset in HTTP rule `rule` of a VirtualService. */
export function weightsOf(vs: any, rule = 0): Record<string, number> {
  return Object.fromEntries(
    vs.spec.http[rule].route.map((r: any) => [r.destination.subset, r.weight]),
  );
}
