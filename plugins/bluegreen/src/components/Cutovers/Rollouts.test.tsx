import '@testing-library/jest-dom';
import {
  CutoverPreview,
  DEFAULT_ROLLOUT_GATES,
  RolloutMetrics,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { UserEvent } from '@testing-library/user-event';
import { BlueGreenApi } from '../../api';
import {
  ALICE,
  BOB,
  MYAPP,
  cutoverEvent,
  myappRollout,
  myappRolloutMetrics,
  myappSwitchPlan,
} from '../../__fixtures__/cutovers';
import { myappEntity } from '../../__fixtures__/entities';
import { myappState } from '../../__fixtures__/states';
import { fillField } from '../../__testUtils__/fillField';
import { CutoverTab, listing } from '../../__testUtils__/cutoverTab';
import { renderWithEntity } from '../../__testUtils__/renderWithEntity';

/** What the backend answers to a rollout preview: the action with the entity's resolved defaults. */
function rolloutPreview(
  action: Partial<Extract<CutoverPreview['action'], { action: 'progressive' }>>,
): CutoverPreview {
  return {
    entityRef: MYAPP,
    action: {
      action: 'progressive',
      colour: 'v1',
      steps: [10, 30, 50, 100],
      // The entity's annotation says 90 s, the configuration's gates need 20 requests.
      intervalSeconds: 90,
      mode: 'auto',
      gates: { ...DEFAULT_ROLLOUT_GATES, minRequests: 20 },
      ...action,
    },
    plan: {
      ...myappSwitchPlan,
      splits: [
        {
          ...myappSwitchPlan.splits[0],
          after: [
            { colour: 'v1', percent: 80 },
            { colour: 'v2', percent: 20 },
          ],
        },
      ],
    },
    approvalsRequired: 1,
    canRequest: true,
    needsAcknowledgement: false,
  };
}

// The dialog's test walks a whole form; two cores shared with other suites make it slow.
jest.setTimeout(30_000);

describe('progressive rollouts on the Blue/Green tab', () => {
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ delay: null });
  });

  function render(
    api: Partial<BlueGreenApi>,
    options: { user?: string; deniedPermissions?: string[] } = {},
  ) {
    return renderWithEntity(<CutoverTab />, {
      entity: myappEntity,
      api: { getState: jest.fn().mockResolvedValue(myappState), ...api },
      ...options,
    });
  }

  describe('the dialog', () => {
    it('starts from the backend’s defaults for the entity, validates the steps and interval, previews the first step and requests every setting', async () => {
      const previewCutover = jest.fn(async body => rolloutPreview(body.action));
      const requestCutover = jest.fn().mockResolvedValue(myappRollout());
      await render({
        previewCutover,
        requestCutover,
        getRolloutMetrics: jest.fn(async () =>
          myappRolloutMetrics(myappRollout()),
        ),
      });

      await user.click(
        await screen.findByRole('button', { name: 'Progressive rollout…' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Rollout settings',
      });
      // The defaults come from a preview of the bare action.
      expect(previewCutover).toHaveBeenCalledWith({
        entityRef: MYAPP,
        action: { action: 'progressive', colour: 'v1' },
      });
      const step = (n: number) =>
        within(dialog).getByRole('spinbutton', { name: `Step ${n} (%)` });
      await waitFor(() => expect(step(1)).toHaveValue(10));
      expect([2, 3, 4].map(n => (step(n) as HTMLInputElement).value)).toEqual([
        '30',
        '50',
        '100',
      ]);
      const interval = within(dialog).getByRole('spinbutton', {
        name: 'Interval (seconds)',
      });
      expect(interval).toHaveValue(90);
      expect(
        within(dialog).getByRole('spinbutton', {
          name: 'Requests per interval at least',
        }),
      ).toHaveValue(20);
      expect(
        within(dialog).getByRole('spinbutton', {
          name: 'Success rate at least (%)',
        }),
      ).toHaveValue(99);
      expect(
        within(dialog).getByRole('spinbutton', {
          name: 'p99 latency at most (ms)',
        }),
      ).toHaveValue(500);
      expect(
        within(dialog).getByRole('spinbutton', {
          name: 'Intervals without data waited out',
        }),
      ).toHaveValue(2);
      expect(
        within(dialog).getByRole('radio', { name: /^Automatic/ }),
      ).toBeChecked();

      await user.click(
        within(dialog).getByRole('button', { name: /New colour/ }),
      );
      await user.click(await screen.findByRole('option', { name: 'v2' }));

      const next = within(dialog).getByRole('button', { name: 'Preview' });
      fillField(step(2), '5');
      expect(
        within(dialog).getByText(
          'Steps are whole percents from 1 to 100, each above the one before, the last 100',
        ),
      ).toBeInTheDocument();
      expect(step(2)).toHaveAttribute('aria-invalid', 'true');
      expect(next).toBeDisabled();
      fillField(step(2), '25');
      await user.click(
        within(dialog).getByRole('button', { name: 'Remove step 4' }),
      );
      // 10, 25, 50: no longer ending at 100.
      expect(next).toBeDisabled();
      await user.click(
        within(dialog).getByRole('button', { name: 'Add step' }),
      );
      fillField(step(4), '100');
      expect(next).toBeEnabled();

      fillField(interval, '5');
      expect(
        within(dialog).getByText(
          'The interval is a whole number of seconds, at least 10',
        ),
      ).toBeInTheDocument();
      expect(next).toBeDisabled();
      fillField(interval, '30');
      await user.click(within(dialog).getByRole('radio', { name: /^Manual/ }));
      fillField(
        within(dialog).getByRole('spinbutton', {
          name: 'p99 latency at most (ms)',
        }),
        '300',
      );
      expect(next).toBeEnabled();
      await user.click(next);

      const action = {
        action: 'progressive',
        colour: 'v2',
        steps: [10, 25, 50, 100],
        intervalSeconds: 30,
        mode: 'manual',
        gates: {
          minSuccessRatePercent: 99,
          maxLatencyP99Ms: 300,
          minRequests: 20,
          noDataIntervals: 2,
        },
      };
      const preview = await screen.findByRole('dialog', {
        name: 'Progressive rollout to v2 (10% → 25% → 50% → 100%): preview',
      });
      expect(previewCutover).toHaveBeenLastCalledWith({
        entityRef: MYAPP,
        action,
      });
      const plan = await within(preview).findByRole('region', {
        name: 'The rollout',
      });
      expect(
        within(plan).getByText('10% → 25% → 50% → 100%'),
      ).toBeInTheDocument();
      expect(within(plan).getByText('30 s')).toBeInTheDocument();
      expect(within(plan).getByText(/^Manual/)).toBeInTheDocument();
      // The first step's split, before and after, and the checks.
      expect(
        within(preview).getByRole('img', {
          name: 'myapp.example.com after: v1 80%, v2 20%',
        }),
      ).toBeInTheDocument();
      expect(
        within(preview).getByRole('list', { name: 'Pre-flight checks' }),
      ).toBeInTheDocument();

      fillField(
        within(preview).getByRole('textbox', { name: /Reason/ }),
        'v2 passed QA',
      );
      await user.click(
        within(preview).getByRole('button', { name: /^Request approval/ }),
      );
      await waitFor(() =>
        expect(requestCutover).toHaveBeenCalledWith({
          entityRef: MYAPP,
          action,
          reason: 'v2 passed QA',
        }),
      );
    });

    it('shows why the defaults could not be read', async () => {
      const { backendError } = await import('../../__testUtils__/cutoverApi');
      await render({
        previewCutover: jest
          .fn()
          .mockRejectedValue(
            await backendError(
              400,
              'InputError',
              'action.colour: no colour other than v1 receives traffic on the shared hosts',
            ),
          ),
      });
      await user.click(
        await screen.findByRole('button', { name: 'Progressive rollout…' }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText(
          /no colour other than v1 receives traffic/,
        ),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Preview' }),
      ).toBeDisabled();
    });
  });

  describe('a running rollout', () => {
    it('shows the weights now, every step with its gates’ queries, values and thresholds, and the steps to come', async () => {
      const rollout = myappRollout();
      await render({
        listCutovers: listing({ open: rollout }),
        getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(rollout)),
      });
      const panel = await screen.findByRole('region', { name: 'Rollout' });
      expect(within(panel).getByLabelText('Traffic now')).toHaveTextContent(
        'v2 30% · v1 70%',
      );
      expect(
        within(panel).getByText('Step 2 of 4', { selector: 'dd' }),
      ).toBeInTheDocument();

      const steps = within(panel).getByRole('list', {
        name: 'Steps of the rollout',
      });
      const first = within(steps).getByRole('listitem', {
        name: 'Step 1 of 4',
      });
      expect(first).toHaveTextContent(/Step 1 of 4: v2 10% · v1 90%, by bob/);
      expect(within(first).getByText('gates passed')).toBeInTheDocument();
      const gates = within(first).getByRole('table');
      const rows = within(gates)
        .getAllByRole('row')
        .slice(1)
        .map(row =>
          within(row)
            .getAllByRole('cell')
            .map(cell => cell.textContent),
        );
      expect(
        rows.map(([gate, , , value, threshold, verdict]) => [
          gate,
          value,
          threshold,
          verdict,
        ]),
      ).toEqual([
        ['Requests', '1234', '≥ 20', 'pass'],
        ['Success rate', '99.52%', '≥ 99%', 'pass'],
        ['p99 latency', '182.4 ms', '≤ 500 ms', 'pass'],
      ]);
      expect(rows[2][2]).toBe(
        'histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_namespace="myapp",destination_service_name="myapp",destination_version="v2"}[120s])))',
      );
      expect(
        within(steps).getByRole('listitem', { name: 'Step 2 of 4' }),
      ).toHaveTextContent(
        /v2 30% · v1 70%, by the blue\/green backend.*watching/,
      );
      expect(
        within(steps).getByRole('listitem', { name: 'Step 4 of 4' }),
      ).toHaveTextContent('Step 4 of 4: v2 100% — not reached yet');
    });

    it('charts request rate, error rate and p99 per colour from the metrics endpoint, with the queries', async () => {
      const rollout = myappRollout();
      const getRolloutMetrics = jest.fn(async () =>
        myappRolloutMetrics(rollout),
      );
      const { container } = await render({
        listCutovers: listing({ open: rollout }),
        getRolloutMetrics,
      });
      const charts = await screen.findByRole('region', {
        name: 'Traffic per colour over the rollout',
      });
      const requestRate = await within(charts).findByRole('figure', {
        name: 'Request rate (requests/s)',
      });
      expect(getRolloutMetrics).toHaveBeenCalledWith('r-1');
      expect(
        within(requestRate).getByText('Latest: v1 70 req/s · v2 30 req/s'),
      ).toBeInTheDocument();
      expect(
        within(
          within(charts).getByRole('figure', { name: 'p99 latency (ms)' }),
        ).getByText('Latest: v1 150 ms · v2 182 ms'),
      ).toBeInTheDocument();
      expect(
        within(charts).getByRole('figure', { name: 'Error rate (% 5xx)' }),
      ).toBeInTheDocument();
      // One line per colour in each of the three charts, drawn by recharts.
      await waitFor(() =>
        expect(container.querySelectorAll('.recharts-line-curve')).toHaveLength(
          6,
        ),
      );
      expect(within(requestRate).getByText('v2')).toBeInTheDocument();

      await user.click(within(charts).getByRole('button', { name: /Queries/ }));
      expect(
        within(charts).getByText(
          'request-rate of v2: sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="myapp",destination_service_name="myapp",destination_version="v2"}[120s]))',
        ),
      ).toBeInTheDocument();
    });

    it('says Prometheus could not be read beside the charts, and the rest of the panel works', async () => {
      const rollout = myappRollout();
      const metrics: RolloutMetrics = {
        ...myappRolloutMetrics(rollout),
        series: myappRolloutMetrics(rollout).series.map(s => ({
          ...s,
          points: [],
          error:
            'Prometheus could not be read: Prometheus at http://prometheus:9090 could not be reached: connect ECONNREFUSED',
        })),
      };
      const pauseRollout = jest
        .fn()
        .mockResolvedValue(myappRollout({}, { pausedBy: ALICE }));
      await render({
        listCutovers: listing({ open: rollout }),
        getRolloutMetrics: jest.fn().mockResolvedValue(metrics),
        pauseRollout,
      });
      const charts = await screen.findByRole('region', {
        name: 'Traffic per colour over the rollout',
      });
      expect(
        await within(charts).findAllByText(
          'Prometheus could not be read: Prometheus at http://prometheus:9090 could not be reached: connect ECONNREFUSED',
        ),
      ).toHaveLength(1);
      expect(
        screen.getByRole('list', { name: 'Steps of the rollout' }),
      ).toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Pause' }));
      expect(pauseRollout).toHaveBeenCalledWith('r-1');
    });

    it('lets the requester pause and abort an automatic rollout, and resume a paused one', async () => {
      const rollout = myappRollout();
      // The backend's answers move on with each command.
      const backend = { open: rollout };
      const pauseRollout = jest.fn(async () => {
        backend.open = myappRollout({}, { pausedBy: ALICE });
        return backend.open;
      });
      const abortRollout = jest.fn(async () => {
        backend.open = myappRollout(
          {},
          { pausedBy: ALICE, abortRequestedBy: ALICE },
        );
        return backend.open;
      });
      await render({
        listCutovers: listing(backend),
        getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(rollout)),
        pauseRollout,
        abortRollout,
      });
      const panel = await screen.findByRole('region', { name: 'Rollout' });
      // Automatic: it advances by itself, nobody promotes.
      expect(
        within(panel).queryByRole('button', {
          name: 'Promote to the next step',
        }),
      ).not.toBeInTheDocument();

      await user.click(within(panel).getByRole('button', { name: 'Pause' }));
      expect(pauseRollout).toHaveBeenCalledWith('r-1');
      expect(
        await within(panel).findByRole('button', { name: 'Resume' }),
      ).toBeInTheDocument();
      expect(within(panel).getByText('Paused by')).toBeInTheDocument();

      await user.click(
        within(panel).getByRole('button', { name: 'Abort and roll back' }),
      );
      expect(abortRollout).toHaveBeenCalledWith('r-1');
      expect(
        await within(panel).findByText(
          'Abort requested by alice: the backend acts on it within seconds',
        ),
      ).toBeInTheDocument();
    });

    it('offers an approver the promote of a manual rollout once the step passed', async () => {
      const waiting = myappRollout({}, { mode: 'manual', current: 0 });
      const backend = { open: waiting };
      const promoteRollout = jest.fn(async () => {
        backend.open = myappRollout(
          {},
          { mode: 'manual', current: 0, promoteRequestedBy: BOB },
        );
        return backend.open;
      });
      await render(
        {
          listCutovers: listing(backend),
          getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(waiting)),
          promoteRollout,
        },
        { user: BOB },
      );
      const panel = await screen.findByRole('region', { name: 'Rollout' });
      await user.click(
        within(panel).getByRole('button', { name: 'Promote to the next step' }),
      );
      expect(promoteRollout).toHaveBeenCalledWith('r-1');
      expect(
        await within(panel).findByText(
          'Promote requested by bob: the backend acts on it within seconds',
        ),
      ).toBeInTheDocument();
      expect(
        within(panel).queryByRole('button', {
          name: 'Promote to the next step',
        }),
      ).not.toBeInTheDocument();
    });

    it('says a manual step can be promoted once its gates pass', async () => {
      const watching = myappRollout({}, { mode: 'manual' });
      await render({
        listCutovers: listing({ open: watching }),
        getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(watching)),
      });
      const panel = await screen.findByRole('region', { name: 'Rollout' });
      expect(
        within(panel).getByText(
          'The current step can be promoted once its gates pass',
        ),
      ).toBeInTheDocument();
      expect(
        within(panel).queryByRole('button', {
          name: 'Promote to the next step',
        }),
      ).not.toBeInTheDocument();
    });
  });

  it('keeps a rolled-back rollout’s steps in the history, without buttons', async () => {
    const ended = myappRollout(
      {
        status: 'rolled-back',
        outcome: {
          message:
            'Step 2 (v2 30%, v1 70%) failed its gates: success-rate of demo/myapp/myapp (v2) was 80% (at least 99%). The routes are back to what they were before the rollout.',
        },
      },
      {
        nextEvaluationAt: undefined,
        history: [
          myappRollout().rollout.history[0],
          { ...myappRollout().rollout.history[1], verdict: 'failed' },
        ],
      },
    );
    await render({
      // Listed in the history only: it is neither open nor the last applied.
      listCutovers: jest.fn(async query => ({
        items: query.status ? [] : [ended],
      })),
      getCutoverHistory: jest.fn(async () => ({
        entityRef: MYAPP,
        events: [
          cutoverEvent({
            id: 2,
            cutoverId: 'r-1',
            type: 'rolled-back',
            status: 'rolled-back',
          }),
          cutoverEvent({ id: 1, cutoverId: 'r-1', type: 'requested' }),
        ],
      })),
      getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(ended)),
    });
    const history = await screen.findByRole('region', { name: 'History' });
    await user.click(
      await within(history).findByRole('button', {
        name: /Progressive rollout to v2/,
      }),
    );
    const steps = await within(history).findByRole('list', {
      name: 'Steps of the rollout',
    });
    expect(
      within(steps).getByRole('listitem', { name: 'Step 2 of 4' }),
    ).toHaveTextContent('failed');
    expect(
      within(steps).getByRole('listitem', { name: 'Step 3 of 4' }),
    ).toHaveTextContent('Step 3 of 4: v2 50% — not reached');
    // The routes the rollback restored, not the failed step's 30/70.
    expect(within(history).getByLabelText('Traffic now')).toHaveTextContent(
      'v2 50% · v1 50%',
    );
    expect(
      within(history).queryByRole('button', { name: 'Abort and roll back' }),
    ).not.toBeInTheDocument();
  });
  it('says when the cluster stored other weights than a step’s, which rolled it back', async () => {
    const ended = myappRollout(
      {
        status: 'rolled-back',
        outcome: {
          message:
            'Step 2 (v2 30%, v1 70%) was written, but the routes the cluster stored do not show it.',
        },
      },
      {
        nextEvaluationAt: undefined,
        history: [
          myappRollout().rollout.history[0],
          {
            ...myappRollout().rollout.history[1],
            verdict: 'failed',
            verified: false,
          },
        ],
      },
    );
    await render({
      listCutovers: jest.fn(async query => ({
        items: query.status ? [] : [ended],
      })),
      getCutoverHistory: jest.fn(async () => ({
        entityRef: MYAPP,
        events: [
          cutoverEvent({
            id: 2,
            cutoverId: 'r-1',
            type: 'rolled-back',
            status: 'rolled-back',
          }),
          cutoverEvent({ id: 1, cutoverId: 'r-1', type: 'requested' }),
        ],
      })),
      getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(ended)),
    });
    const history = await screen.findByRole('region', { name: 'History' });
    await user.click(
      await within(history).findByRole('button', {
        name: /Progressive rollout to v2/,
      }),
    );
    const steps = await within(history).findByRole('list', {
      name: 'Steps of the rollout',
    });
    const notStored = /The cluster stored other weights than these/;
    expect(
      within(steps).getByRole('listitem', { name: 'Step 2 of 4' }),
    ).toHaveTextContent(notStored);
    expect(
      within(steps).getByRole('listitem', { name: 'Step 1 of 4' }),
    ).not.toHaveTextContent(notStored);
  });
});
