import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { ANNOTATION_ISTIO_HOSTS } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { qualifiedName } from '../mesh';
import { finding } from './finding';

const DEFAULT_NAMESPACE = 'default';

/**
 * A host the entity lists that no VirtualService routes has no split to show or change: a
 * Service host is plain Kubernetes round robin over every colour, any other host is served by
 * nothing the mesh knows of.
 */
export function unroutedHostFindings({
  mesh,
  userFacingHosts,
  namespace,
}: Analysis): Finding[] {
  return userFacingHosts.flatMap(host => {
    if (mesh.virtualServicesFor(host, namespace).length > 0) return [];
    const service = mesh.serviceFor(host, namespace);
    const where = namespace ?? DEFAULT_NAMESPACE;
    const name = host.split('.')[0];
    const consequence = service
      ? `calls to it are plain Kubernetes round robin over every pod of Service ${qualifiedName(
          service,
        )}, whatever their colour, and no split applies`
      : 'no route serves it (gateways answer 404), and there is no Service of that name';
    return [
      finding(
        'host-not-routed',
        service ? 'warning' : 'error',
        'VirtualService',
        { metadata: { name, namespace: where } },
        `Host ${host} (annotation ${ANNOTATION_ISTIO_HOSTS}) is routed by no VirtualService visible from namespace ${where}: ${consequence}.`,
        `Create a VirtualService with hosts: [${host}] routing to the subsets of the service's DestinationRule (in namespace ${where}, or in a routing namespace with exportTo including ${where}), or correct the host in ${ANNOTATION_ISTIO_HOSTS}; a VirtualService elsewhere whose exportTo leaves out ${where} and its Gateways' namespaces does not count.`,
      ),
    ];
  });
}
