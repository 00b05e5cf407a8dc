import type { V1ServicePort } from '@kubernetes/client-node';
import type { RuleProtocol } from '@bluegreen-istio/plugin-bluegreen-common';

/** Protocols Istio recognises in a port name `<protocol>[-<suffix>]`; longer names first. */
const ISTIO_PORT_PROTOCOLS = [
  'grpc-web',
  'grpc',
  'http2',
  'https',
  'http',
  'mongo',
  'mysql',
  'redis',
  'tcp',
  'tls',
  'udp',
];

/** The protocol a Service port declares to Istio (appProtocol, else the name prefix), if any. */
export function declaredProtocol(port: V1ServicePort): string | undefined {
  if (port.appProtocol) {
    return port.appProtocol.toLowerCase();
  }
  const name = port.name?.toLowerCase() ?? '';
  return ISTIO_PORT_PROTOCOLS.find(p => name === p || name.startsWith(`${p}-`));
}

/** Which VirtualService rule list serves a declared protocol. */
export function ruleProtocolOf(declared: string): RuleProtocol {
  if (['http', 'http2', 'grpc', 'grpc-web'].includes(declared)) return 'http';
  if (['https', 'tls'].includes(declared)) return 'tls';
  return 'tcp';
}
