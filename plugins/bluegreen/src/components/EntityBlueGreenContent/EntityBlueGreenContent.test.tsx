import { ResponseError } from '@backstage/errors';
import {
  BlueGreenStateResponse,
  ClusterBlueGreenState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { screen, waitFor, within } from '@testing-library/react';
import { fillField } from '../../__testUtils__/fillField';
import userEvent, { UserEvent } from '@testing-library/user-event';
import {
  myappEntity,
  piiDemoEntity,
  progressiveEntity,
  unannotatedEntity,
} from '../../__fixtures__/entities';
import {
  myappState,
  piiDemoRoundRobinExplanation,
  piiDemoState,
  progressiveState,
  unreachableCluster,
} from '../../__fixtures__/states';
import { renderWithEntity } from '../../__testUtils__/renderWithEntity';
import { myappCutover } from '../../__fixtures__/cutovers';
import { EntityBlueGreenContent } from './EntityBlueGreenContent';

function withCluster(
  state: BlueGreenStateResponse,
  change: Partial<ClusterBlueGreenState>,
): BlueGreenStateResponse {
  return { ...state, clusters: [{ ...state.clusters[0], ...change }] };
}

const myappCutOverToV2 = withCluster(myappState, {
  activeColour: 'v2',
  splits: [
    {
      ...myappState.clusters[0].splits[0],
      destinations: [
        { colour: 'v1', service: 'myapp', weight: 0, percent: 0 },
        { colour: 'v2', service: 'myapp', weight: 100, percent: 100 },
      ],
    },
  ],
});

async function responseError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: status === 404 ? 'Not Found' : 'Bad Request',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

function colourPanel(name: string) {
  return screen.getByRole('region', { name: `colour ${name}` });
}

describe('EntityBlueGreenContent', () => {
  // Typing is instant: what these tests check is what the form sends, not keystroke timing.
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ delay: null });
  });

  describe('pii-demo: colour hosts, round robin, mesh and TCP affinity', () => {
    beforeEach(async () => {
      await renderWithEntity(<EntityBlueGreenContent />, {
        entity: piiDemoEntity,
        api: { getState: jest.fn().mockResolvedValue(piiDemoState) },
      });
    });

    it('shows blue and green with their tiers, images, readiness and pinned hosts', async () => {
      const blue = await screen.findByRole('region', { name: 'colour blue' });
      expect(within(blue).getByText('blue')).toBeInTheDocument();
      expect(within(blue).getByText('2/2 pods ready')).toBeInTheDocument();
      expect(within(blue).getByText('httpd-server')).toBeInTheDocument();
      expect(within(blue).getByText('mysql-server')).toBeInTheDocument();
      expect(
        within(blue).getByText('lisenet/httpd-pii-demo:0.2'),
      ).toBeInTheDocument();
      expect(
        within(blue).getByText('pii-demo-blue.apps.hl.test'),
      ).toBeInTheDocument();

      const green = colourPanel('green');
      expect(
        within(green).getByText('lisenet/httpd-pii-demo:0.3'),
      ).toBeInTheDocument();
      expect(
        within(green).getByText('pii-demo-green.apps.hl.test'),
      ).toBeInTheDocument();
      expect(
        within(green).queryByText('pii-demo-blue.apps.hl.test'),
      ).not.toBeInTheDocument();
    });

    it('shows the shared host as round robin over ready pods, 50/50', async () => {
      const split = await screen.findByRole('region', {
        name: 'Traffic split',
      });
      expect(
        within(split).getByRole('img', {
          name: 'pii-demo.apps.hl.test: blue 50%, green 50%',
        }),
      ).toBeInTheDocument();
      expect(within(split).getByText(/^Round robin/)).toBeInTheDocument();
      expect(
        within(split).getAllByText(/1 ready pod of httpd-server/),
      ).toHaveLength(2);
      expect(
        screen.getByText('No active colour: traffic is split between colours.'),
      ).toBeInTheDocument();
    });

    it('groups the routes by purpose, with their conditions in words', async () => {
      const routes = await screen.findByRole('region', { name: 'Routes' });
      const colourHosts = within(routes).getByRole('region', {
        name: 'Colour hosts',
      });
      expect(within(colourHosts).getByText('HTTP rule 1')).toBeInTheDocument();
      expect(
        within(colourHosts).getByText(
          "host = 'pii-demo-blue.apps.hl.test' via pii-demo-gateway",
        ),
      ).toBeInTheDocument();
      expect(
        within(colourHosts).getByText('in-mesh callers labelled version=blue'),
      ).toBeInTheDocument();
      expect(
        within(colourHosts).getAllByText('also mesh affinity'),
      ).toHaveLength(2);

      const shared = within(routes).getByRole('region', {
        name: 'Shared split',
      });
      expect(within(shared).getByText('HTTP rule 3')).toBeInTheDocument();
      expect(
        within(shared).getByText('httpd-server (round robin over its pods)'),
      ).toBeInTheDocument();

      const tcp = within(routes).getByRole('region', { name: 'TCP affinity' });
      expect(within(tcp).getByText('TCP rule 1')).toBeInTheDocument();
      expect(
        within(tcp).getByText('in-mesh callers labelled version=green'),
      ).toBeInTheDocument();
    });

    it('says when the configuration has no problems', async () => {
      const findings = await screen.findByRole('region', { name: 'Findings' });
      expect(
        within(findings).getByText('No configuration problems found.'),
      ).toBeInTheDocument();
    });
  });

  it('puts the open request and the release actions above the clusters, the history below', async () => {
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: myappEntity,
      api: {
        getState: jest.fn().mockResolvedValue(myappState),
        listCutovers: jest.fn().mockResolvedValue({ items: [myappCutover()] }),
      },
    });
    const panel = await screen.findByRole('region', { name: 'Open request' });
    const actions = await screen.findByRole('region', {
      name: 'Release actions',
    });
    const history = await screen.findByRole('region', { name: 'History' });
    const cluster = screen.getByText('Cluster demo');
    const follows = (a: Node, b: Node) =>
      Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    expect(follows(panel, actions)).toBe(true);
    expect(follows(actions, cluster)).toBe(true);
    expect(follows(cluster, history)).toBe(true);
  });

  it('myapp: v1 and v2 in distinct colours, weighted 50/50, no active colour', async () => {
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: myappEntity,
      api: { getState: jest.fn().mockResolvedValue(myappState) },
    });

    expect(
      await screen.findByRole('img', {
        name: 'myapp.example.com: v1 50%, v2 50%',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Weighted split via myapp-gateway/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/weight 50 on myapp/)).toHaveLength(2);
    expect(
      within(colourPanel('v1')).getByText(
        'None: v1 is reached only through the shared split.',
      ),
    ).toBeInTheDocument();
    expect(colourPanel('v1').style.borderColor).not.toBe(
      colourPanel('v2').style.borderColor,
    );
    expect(
      screen.getByText('No active colour: traffic is split between colours.'),
    ).toBeInTheDocument();
  });

  it('progressive-app: blue 70, green 30', async () => {
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: progressiveEntity,
      api: { getState: jest.fn().mockResolvedValue(progressiveState) },
    });

    expect(
      await screen.findByRole('img', {
        name: 'progressive.example.com: blue 70%, green 30%',
      }),
    ).toBeInTheDocument();
  });

  it('calls out the active colour once it takes all traffic', async () => {
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: myappEntity,
      api: { getState: jest.fn().mockResolvedValue(myappCutOverToV2) },
    });

    expect(await screen.findByText('Active colour:')).toBeInTheDocument();
    expect(within(colourPanel('v2')).getByText('ACTIVE')).toBeInTheDocument();
    expect(
      within(colourPanel('v1')).queryByText('ACTIVE'),
    ).not.toBeInTheDocument();
  });

  it('lists findings with severity, resource and fix', async () => {
    const withFinding = withCluster(progressiveState, {
      findings: [
        {
          code: 'subset-no-ready-pods',
          severity: 'error',
          resource: {
            kind: 'DestinationRule',
            namespace: 'progressive',
            name: 'progressive-app',
          },
          message:
            "Subset 'green' of progressive-app selects 2 pod(s), none ready. Traffic routed to it fails with 503.",
          fix: "Find out why the pods are not ready and fix the workload before sending traffic to 'green'.",
        },
      ],
    });
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: progressiveEntity,
      api: { getState: jest.fn().mockResolvedValue(withFinding) },
    });

    const findings = await screen.findByRole('region', { name: 'Findings' });
    expect(
      within(findings).getByText(
        /error: DestinationRule progressive\/progressive-app/,
      ),
    ).toBeInTheDocument();
    expect(
      within(findings).getByText('(subset-no-ready-pods)'),
    ).toBeInTheDocument();
    expect(
      within(findings).getByText(/Find out why the pods are not ready/),
    ).toBeInTheDocument();
  });

  it('shows a failing cluster next to the ones that answered', async () => {
    const partial: BlueGreenStateResponse = {
      ...piiDemoState,
      clusters: [piiDemoState.clusters[0], unreachableCluster('staging')],
    };
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: piiDemoEntity,
      api: { getState: jest.fn().mockResolvedValue(partial) },
    });

    expect(await screen.findByText('Cluster staging')).toBeInTheDocument();
    expect(
      screen.getByText(/cluster 'staging' is unreachable \(ECONNREFUSED\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('This cluster could not be read (unreachable)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Cluster demo')).toBeInTheDocument();
    expect(colourPanel('blue')).toBeInTheDocument();
  });

  it("shows the backend's message when the state cannot be read", async () => {
    const error = await responseError(
      404,
      'NotFoundError',
      'No catalog entity component:default/myapp',
    );
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: myappEntity,
      api: { getState: jest.fn().mockRejectedValue(error) },
    });

    expect(
      await screen.findByText('The catalog does not know this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No catalog entity component:default/myapp'),
    ).toBeInTheDocument();
  });

  it('explains what to add when the entity has no blue/green annotation', async () => {
    const getState = jest.fn();
    await renderWithEntity(<EntityBlueGreenContent />, {
      entity: unannotatedEntity,
      api: { getState },
    });

    expect(
      screen.getByText('No blue/green hosts for this entity'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'bluegreen/istio-hosts: myapp.example.com',
    );
    expect(getState).not.toHaveBeenCalled();
  });

  it('follows the cluster while open, keeping what the user typed', async () => {
    const getState = jest
      .fn()
      .mockResolvedValueOnce(myappState)
      .mockResolvedValue(myappCutOverToV2);
    await renderWithEntity(<EntityBlueGreenContent refreshIntervalMs={100} />, {
      entity: myappEntity,
      api: { getState },
    });
    const labels = await screen.findByLabelText('Caller pod labels');
    await user.type(labels, 'version=v1');

    expect(
      await screen.findByRole('img', {
        name: 'myapp.example.com: v1 0%, v2 100%',
      }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Caller pod labels')).toHaveValue(
      'version=v1',
    );
  });

  it('keeps the last state when a refresh fails, and says so', async () => {
    const getState = jest
      .fn()
      .mockResolvedValueOnce(myappState)
      .mockRejectedValue(new Error('Failed to fetch'));
    await renderWithEntity(<EntityBlueGreenContent refreshIntervalMs={50} />, {
      entity: myappEntity,
      api: { getState },
    });

    expect(
      await screen.findByText(/Refreshing failed, showing the last state/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'myapp.example.com: v1 50%, v2 50%' }),
    ).toBeInTheDocument();
  });

  describe('the explainer', () => {
    it('shows the matched rule, the skipped ones and where the request lands', async () => {
      const explain = jest.fn().mockResolvedValue(piiDemoRoundRobinExplanation);
      await renderWithEntity(<EntityBlueGreenContent />, {
        entity: piiDemoEntity,
        api: {
          getState: jest.fn().mockResolvedValue(piiDemoState),
          explain,
        },
      });

      const host = await screen.findByRole('textbox', { name: /Host/ });
      expect(host).toHaveValue('pii-demo.apps.hl.test');
      fillField(screen.getByLabelText('Path'), '/index.php');
      await user.click(screen.getByRole('button', { name: 'Explain' }));

      expect(explain).toHaveBeenCalledWith({
        entityRef: 'component:default/pii-demo',
        host: 'pii-demo.apps.hl.test',
        path: '/index.php',
      });
      expect(
        await screen.findByText('Matched HTTP rule 3 of pii-demo/httpd-server'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(
          "Why: match block 1 holds: host = 'pii-demo.apps.hl.test' via pii-demo-gateway",
        ),
      ).toBeInTheDocument();
      expect(screen.getByText('Earlier rules skipped')).toBeInTheDocument();
      expect(
        screen.getByText(
          /^HTTP rule 1: block 1 header host 'pii-demo.apps.hl.test' does not match/,
        ),
      ).toBeInTheDocument();
      expect(screen.getByText('pods httpd-server-blue-0')).toBeInTheDocument();
      expect(screen.getByText('pods httpd-server-green-0')).toBeInTheDocument();
      expect(
        screen.getAllByText('· httpd-server (round robin over its pods)'),
      ).toHaveLength(2);
    });

    it('sends headers, caller labels and the entry point as typed', async () => {
      const explain = jest.fn().mockResolvedValue(piiDemoRoundRobinExplanation);
      await renderWithEntity(<EntityBlueGreenContent />, {
        entity: piiDemoEntity,
        api: {
          getState: jest.fn().mockResolvedValue(piiDemoState),
          explain,
        },
      });

      const host = await screen.findByRole('textbox', { name: /Host/ });
      fillField(host, 'httpd-server');
      fillField(screen.getByLabelText('Headers'), 'X-Canary: yes');
      fillField(
        screen.getByLabelText('Caller pod labels'),
        'version=green, app=web',
      );
      await user.click(screen.getByLabelText('Enters through'));
      await user.click(await screen.findByRole('option', { name: /The mesh/ }));
      await user.click(screen.getByRole('button', { name: 'Explain' }));

      expect(explain).toHaveBeenCalledWith({
        entityRef: 'component:default/pii-demo',
        host: 'httpd-server',
        headers: { 'x-canary': 'yes' },
        sourceLabels: { version: 'green', app: 'web' },
        gateway: 'mesh',
      });
    });

    it('says how to write labels instead of sending a malformed request', async () => {
      const explain = jest.fn();
      await renderWithEntity(<EntityBlueGreenContent />, {
        entity: piiDemoEntity,
        api: {
          getState: jest.fn().mockResolvedValue(piiDemoState),
          explain,
        },
      });

      fillField(await screen.findByLabelText('Caller pod labels'), 'blue');
      await user.click(screen.getByRole('button', { name: 'Explain' }));

      expect(
        await screen.findByText(
          "'blue' is not a label: write key=value, comma-separated, e.g. version=blue",
        ),
      ).toBeInTheDocument();
      expect(explain).not.toHaveBeenCalled();
    });

    it("shows the backend's reason when it refuses the request", async () => {
      const explain = jest
        .fn()
        .mockRejectedValue(
          await responseError(
            400,
            'InputError',
            'Invalid request: path: path must start with /',
          ),
        );
      await renderWithEntity(<EntityBlueGreenContent />, {
        entity: piiDemoEntity,
        api: {
          getState: jest.fn().mockResolvedValue(piiDemoState),
          explain,
        },
      });

      await user.click(await screen.findByRole('button', { name: 'Explain' }));

      await waitFor(() =>
        expect(
          screen.getByText('Invalid request: path: path must start with /'),
        ).toBeInTheDocument(),
      );
      expect(
        screen.getByText('The request could not be explained'),
      ).toBeInTheDocument();
    });
  });
});
