import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { clusterConfigProblem, readClusterDetails } from './clusters';

const kubernetes = (clusterLocatorMethods: object[]) =>
  new ConfigReader({ kubernetes: { clusterLocatorMethods } });

describe('readClusterDetails', () => {
  it('reads config clusters as the Kubernetes plugin does, keeping only service account tokens', () => {
    const logger = mockServices.logger.mock();
    const clusters = readClusterDetails(
      kubernetes([
        {
          type: 'config',
          clusters: [
            {
              name: 'production',
              url: 'https://k8s.example.com',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'secret',
              caData: 'Q0E=',
            },
            {
              name: 'oidc-cluster',
              url: 'https://other.example.com',
              authProvider: 'oidc',
              skipTLSVerify: true,
            },
          ],
        },
        { type: 'localKubectlProxy' },
      ]),
      logger,
    );
    expect(clusters).toEqual([
      {
        name: 'production',
        url: 'https://k8s.example.com',
        serviceAccountToken: 'secret',
        caData: 'Q0E=',
        caFile: undefined,
        skipTLSVerify: false,
      },
      {
        name: 'oidc-cluster',
        url: 'https://other.example.com',
        serviceAccountToken: undefined,
        caData: undefined,
        caFile: undefined,
        skipTLSVerify: true,
      },
      { name: 'local', url: 'http://localhost:8001', skipTLSVerify: true },
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('says which locator types it cannot read instead of silently showing no clusters', () => {
    const logger = mockServices.logger.mock();
    expect(
      readClusterDetails(kubernetes([{ type: 'gke', projectId: 'p' }]), logger),
    ).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("type 'gke'"),
    );
  });

  it('warns at start about a plain http:// cluster the client would refuse, naming the fix', () => {
    const logger = mockServices.logger.mock();
    const [cluster] = readClusterDetails(
      kubernetes([
        {
          type: 'config',
          clusters: [{ name: 'lab', url: 'http://10.0.0.1:8080' }],
        },
      ]),
      logger,
    );
    expect(clusterConfigProblem(cluster)).toContain('skipTLSVerify: true');
    expect(logger.warn).toHaveBeenCalledWith(clusterConfigProblem(cluster));
    expect(
      clusterConfigProblem({ ...cluster, skipTLSVerify: true }),
    ).toBeUndefined();
  });

  it('refuses two clusters with the same name', () => {
    expect(() =>
      readClusterDetails(
        kubernetes([
          { type: 'config', clusters: [{ name: 'a', url: 'https://x' }] },
          { type: 'config', clusters: [{ name: 'a', url: 'https://y' }] },
        ]),
        mockServices.logger.mock(),
      ),
    ).toThrow("names the cluster 'a' twice");
  });
});
