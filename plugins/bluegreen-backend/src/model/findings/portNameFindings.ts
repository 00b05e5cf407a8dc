import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { qualifiedName } from '../mesh';
import { declaredProtocol } from '../portProtocols';
import { finding } from './finding';

function portFinding(
  service: V1Service,
  port: V1ServicePort,
): Finding | undefined {
  const protocol = declaredProtocol(port);
  const subject = `Port ${port.port} of Service ${qualifiedName(service)}`;
  const renamed = `'tcp-${port.port}'`;
  if (protocol === 'mysql') {
    return finding(
      'port-named-mysql',
      'warning',
      'Service',
      service,
      `${subject} declares protocol mysql (${
        port.appProtocol
          ? `appProtocol ${port.appProtocol}`
          : `name '${port.name}'`
      }), which switches Istio's MySQL protocol handling on; it is known to break connections (istio/istio#13484).`,
      `Rename the port to ${renamed}${
        port.appProtocol ? ' and drop appProtocol mysql' : ''
      } so Istio proxies it as plain TCP.`,
    );
  }
  if (protocol === undefined) {
    return finding(
      'port-name-unprefixed',
      'warning',
      'Service',
      service,
      `${subject} ${
        port.name
          ? `is named '${port.name}', which has no protocol prefix`
          : 'has no name'
      }, so Istio cannot tell its protocol and has to guess it from the traffic.`,
      `Name the port '<protocol>-${port.port}', e.g. 'http-${port.port}' for HTTP or ${renamed} for other TCP traffic, or set appProtocol.`,
    );
  }
  return undefined;
}

/** Istio picks a port's protocol from its name; HTTP routes and affinity depend on it. */
export function portNameFindings({ mesh }: Analysis): Finding[] {
  return mesh.objects.services.flatMap(service =>
    (service.spec?.ports ?? [])
      .map(port => portFinding(service, port))
      .filter((f): f is Finding => f !== undefined),
  );
}
