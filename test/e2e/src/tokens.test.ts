import { signInToBackstage } from '@internal/oidc-provider';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, readStackInfo } from './stack/stack';

const run = promisify(execFile);

function demoToken(username: string) {
  const { baseUrl } = readStackInfo();
  return run(path.join(REPO_ROOT, 'scripts/demo-token.sh'), [username], {
    env: { ...process.env, BACKSTAGE_BACKEND_URL: baseUrl },
  });
}

describe('scripts/demo-token.sh', () => {
  it('prints a token that signs alice in to the blue/green API as herself', async () => {
    const { baseUrl } = readStackInfo();
    const { stdout } = await demoToken('alice');
    const token = stdout.trim();
    const headers = { authorization: `Bearer ${token}` };

    const whoami = await fetch(`${baseUrl}/api/auth/v1/userinfo`, { headers });
    expect(await whoami.json()).toMatchObject({
      claims: {
        sub: 'user:default/alice',
        ent: ['user:default/alice', 'group:default/web-team'],
      },
    });
    const state = await fetch(
      `${baseUrl}/api/bluegreen/state?entityRef=component:default/myapp`,
      { headers },
    );
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({
      entityRef: 'component:default/myapp',
    });
  });

  it('fails, saying why, for someone who is not a demo user', async () => {
    await expect(demoToken('mallory')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Unknown user or wrong password'),
    });
  });
});

describe('the cluster token', () => {
  /** Every file of the built frontend, as the backend serves them (with the config it injects). */
  function builtFiles(dir: string): string[] {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap(entry =>
        entry.isDirectory()
          ? builtFiles(path.join(dir, entry.name))
          : [path.join(dir, entry.name)],
      );
  }

  const dist = path.join(REPO_ROOT, 'packages/app/dist');
  // The demo's own token (app-config.yaml) and this run's.
  const tokens = () => ['demo-token', readStackInfo().kubeToken];

  it('is in no file of the built frontend, on disk or as served', async () => {
    const { baseUrl } = readStackInfo();
    const files = builtFiles(dist);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const served = await fetch(
        `${baseUrl}/${path.relative(dist, file).split(path.sep).join('/')}`,
      );
      const texts = [
        fs.readFileSync(file).toString('latin1'),
        Buffer.from(await served.arrayBuffer()).toString('latin1'),
      ];
      for (const token of tokens()) {
        for (const text of texts) {
          expect({ file, found: text.includes(token) }).toEqual({
            file,
            found: false,
          });
        }
      }
    }
  });

  it('is in no answer of the APIs the portal calls, even to the platform admin', async () => {
    const { baseUrl } = readStackInfo();
    const { token } = await signInToBackstage({
      backendUrl: baseUrl,
      username: 'paul',
    });
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    const entity = await (
      await fetch(
        `${baseUrl}/api/catalog/entities/by-name/component/default/myapp`,
        { headers },
      )
    ).json();
    const requests: Array<[string, RequestInit?]> = [
      ['/api/kubernetes/clusters'],
      [
        '/api/kubernetes/services/myapp',
        { method: 'POST', body: JSON.stringify({ entity }) },
      ],
      [
        '/api/kubernetes/resources/workloads/query',
        {
          method: 'POST',
          body: JSON.stringify({ entityRef: 'component:default/myapp' }),
        },
      ],
      [
        `/api/kubernetes/proxy/apis/networking.istio.io/v1/namespaces/myapp/virtualservices`,
        { headers: { ...headers, 'Backstage-Kubernetes-Cluster': 'demo' } },
      ],
      ['/api/bluegreen/state?entityRef=component:default/myapp'],
      ['/api/catalog/entities?limit=500'],
    ];
    for (const [urlPath, init] of requests) {
      const response = await fetch(`${baseUrl}${urlPath}`, {
        headers,
        ...init,
      });
      const body = await response.text();
      // Answers with the data, not errors, or the test would prove nothing.
      expect({ urlPath, status: response.status }).toEqual({
        urlPath,
        status: 200,
      });
      for (const secret of tokens()) {
        expect({ urlPath, found: body.includes(secret) }).toEqual({
          urlPath,
          found: false,
        });
      }
    }
  });
});
