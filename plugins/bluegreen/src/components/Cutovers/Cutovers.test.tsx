import {
  BlueGreenStateResponse,
  Cutover,
  CutoverOutcome,
  CutoverPreview,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { screen, waitFor, within } from '@testing-library/react';
import { fillField } from '../../__testUtils__/fillField';
import userEvent, { UserEvent } from '@testing-library/user-event';
import { BlueGreenApi } from '../../api';
import { myappEntity } from '../../__fixtures__/entities';
import {
  ALICE,
  BOB,
  MYAPP,
  cutoverEvent,
  myappCutover,
  myappSwitchPreview,
} from '../../__fixtures__/cutovers';
import { myappState } from '../../__fixtures__/states';
import { renderWithEntity } from '../../__testUtils__/renderWithEntity';
import { backendError, fakeSignals } from '../../__testUtils__/cutoverApi';
import { CutoverTab, listing } from '../../__testUtils__/cutoverTab';

function withV2Pods(readyPods: number): BlueGreenStateResponse {
  const cluster = myappState.clusters[0];
  return {
    ...myappState,
    clusters: [
      {
        ...cluster,
        colours: cluster.colours.map(c =>
          c.name === 'v2' ? { ...c, readyPods } : c,
        ),
      },
    ],
  };
}

const myappOnV2: BlueGreenStateResponse = {
  ...myappState,
  clusters: [
    {
      ...myappState.clusters[0],
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
    },
  ],
};

describe('cutovers on the Blue/Green tab', () => {
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ delay: null });
  });

  function render(
    api: Partial<BlueGreenApi>,
    options: {
      user?: string;
      signalApi?: ReturnType<typeof fakeSignals>;
      deniedPermissions?: string[];
    } = {},
  ) {
    return renderWithEntity(<CutoverTab />, {
      entity: myappEntity,
      api: { getState: jest.fn().mockResolvedValue(myappState), ...api },
      ...options,
    });
  }

  describe('the preview dialog', () => {
    it('shows the checks, the split before and after and the diff, and requests with the reason', async () => {
      const previewCutover = jest.fn().mockResolvedValue(myappSwitchPreview);
      const requestCutover = jest.fn().mockResolvedValue(myappCutover());
      await render({ previewCutover, requestCutover });

      await user.click(
        await screen.findByRole('button', { name: 'Switch to v2' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Switch to v2: preview',
      });
      expect(previewCutover).toHaveBeenCalledWith({
        entityRef: MYAPP,
        action: { action: 'switch', colour: 'v2' },
      });

      const checks = await within(dialog).findByRole('list', {
        name: 'Pre-flight checks',
      });
      expect(
        within(checks).getByText('Ready pods: passed'),
      ).toBeInTheDocument();
      expect(
        within(checks).getByText('v2 has 2 ready pods'),
      ).toBeInTheDocument();

      expect(
        within(dialog).getByRole('img', {
          name: 'myapp.example.com before: v1 50%, v2 50%',
        }),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('img', {
          name: 'myapp.example.com after: v1 0%, v2 100%',
        }),
      ).toBeInTheDocument();

      const diff = within(dialog).getByLabelText(
        'diff of VirtualService myapp/myapp',
      );
      expect(
        within(diff)
          .getAllByRole('insertion')
          .map(line => line.textContent),
      ).toEqual(['+      weight: 0', '+      weight: 100']);
      expect(within(diff).getAllByRole('deletion')).toHaveLength(2);
      expect(within(diff).getByText('subset: v2')).toBeInTheDocument();

      const submit = within(dialog).getByRole('button', {
        name: 'Request approval: Switch to v2',
      });
      expect(submit).toBeDisabled();
      expect(within(dialog).getByText('Give a reason')).toBeInTheDocument();
      fillField(
        within(dialog).getByRole('textbox', { name: /Reason/ }),
        'JIRA-42',
      );
      expect(submit).toBeEnabled();
      await user.dblClick(submit);

      expect(
        await screen.findByRole('region', { name: 'Open request' }),
      ).toBeInTheDocument();
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
      expect(requestCutover).toHaveBeenCalledTimes(1);
      expect(requestCutover).toHaveBeenCalledWith({
        entityRef: MYAPP,
        action: { action: 'switch', colour: 'v2' },
        reason: 'JIRA-42',
      });
    });

    it('moves focus into the dialog and back to the button that opened it', async () => {
      await render({
        previewCutover: jest.fn().mockResolvedValue(myappSwitchPreview),
      });
      const opener = await screen.findByRole('button', {
        name: 'Switch to v2',
      });
      await user.click(opener);
      const dialog = await screen.findByRole('dialog', {
        name: 'Switch to v2: preview',
      });
      // MUI focuses the modal that holds the dialog, and traps focus there.
      await waitFor(() =>
        expect(dialog.parentElement!.contains(document.activeElement)).toBe(
          true,
        ),
      );
      await user.click(within(dialog).getByRole('button', { name: 'Close' }));
      await waitFor(() => expect(opener).toHaveFocus());
    });

    it('needs the warnings acknowledged, and says Apply when no approval is needed', async () => {
      const preview: CutoverPreview = {
        ...myappSwitchPreview,
        approvalsRequired: 0,
        needsAcknowledgement: true,
        plan: {
          ...myappSwitchPreview.plan,
          checks: [
            {
              id: 'no-new-errors',
              result: 'warn',
              message:
                'v1 keeps no traffic: its colour host still routes to it',
            },
          ],
        },
      };
      const requestCutover = jest
        .fn()
        .mockResolvedValue(myappCutover({ status: 'applied' }));
      await render({
        previewCutover: jest.fn().mockResolvedValue(preview),
        requestCutover,
      });
      await user.click(
        await screen.findByRole('button', { name: 'Switch to v2' }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText('No new configuration errors: warning'),
      ).toBeInTheDocument();
      fillField(within(dialog).getByRole('textbox', { name: /Reason/ }), 'now');
      const apply = within(dialog).getByRole('button', {
        name: 'Apply: Switch to v2',
      });
      expect(apply).toBeDisabled();
      expect(
        within(dialog).getByText('Acknowledge the warnings first'),
      ).toBeInTheDocument();
      await user.click(
        within(dialog).getByRole('checkbox', {
          name: /I have read the warnings/,
        }),
      );
      await user.click(apply);
      await waitFor(() =>
        expect(requestCutover).toHaveBeenCalledWith(
          expect.objectContaining({ acknowledgeWarnings: true }),
        ),
      );
    });

    it('refuses to request when a check fails', async () => {
      const preview: CutoverPreview = {
        ...myappSwitchPreview,
        canRequest: false,
        plan: {
          ...myappSwitchPreview.plan,
          checks: [
            {
              id: 'dry-run',
              result: 'fail',
              message: 'admission webhook denied the patch',
            },
          ],
        },
      };
      await render({ previewCutover: jest.fn().mockResolvedValue(preview) });
      await user.click(
        await screen.findByRole('button', { name: 'Switch to v2' }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText('admission webhook denied the patch'),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByText('A pre-flight check failed'),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: /^Request approval/ }),
      ).toBeDisabled();
    });

    it("shows the backend's message when the request is refused", async () => {
      await render({
        previewCutover: jest.fn().mockResolvedValue(myappSwitchPreview),
        requestCutover: jest
          .fn()
          .mockRejectedValue(
            await backendError(
              409,
              'ConflictError',
              'the cluster changed since this was planned — request again',
            ),
          ),
      });
      await user.click(
        await screen.findByRole('button', { name: 'Switch to v2' }),
      );
      const dialog = await screen.findByRole('dialog');
      fillField(
        await within(dialog).findByRole('textbox', { name: /Reason/ }),
        'go',
      );
      await user.click(
        within(dialog).getByRole('button', { name: /^Request approval/ }),
      );
      expect(
        await within(dialog).findByText(
          'the cluster changed since this was planned — request again',
        ),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: /^Request approval/ }),
      ).toBeEnabled();
    });

    it('takes a split with a live total, refuses totals other than 100, then previews it', async () => {
      const previewCutover = jest.fn().mockResolvedValue(myappSwitchPreview);
      await render({ previewCutover });
      await user.click(
        await screen.findByRole('button', { name: 'Set split…' }),
      );
      const dialog = await screen.findByRole('dialog', { name: 'Set split…' });
      const v1 = within(dialog).getByRole('spinbutton', { name: 'v1 %' });
      const v2 = within(dialog).getByRole('spinbutton', { name: 'v2 %' });
      expect(v1).toHaveValue(50);
      expect(within(dialog).getByRole('status')).toHaveTextContent(
        'Total: 100%',
      );

      fillField(v1, '70');
      expect(within(dialog).getByRole('status')).toHaveTextContent(
        'Total: 120%',
      );
      expect(
        within(dialog).getByText('the weights add up to 120%, not 100%'),
      ).toBeInTheDocument();
      const preview = within(dialog).getByRole('button', { name: 'Preview' });
      expect(preview).toBeDisabled();

      fillField(v2, '2.5');
      expect(
        within(dialog).getByText('each weight is a whole number from 0 to 100'),
      ).toBeInTheDocument();
      expect(preview).toBeDisabled();

      fillField(v2, '30');
      expect(within(dialog).getByRole('status')).toHaveTextContent(
        'Total: 100%',
      );
      await user.click(preview);
      expect(
        await screen.findByRole('dialog', {
          name: 'Split v1 70%, v2 30%: preview',
        }),
      ).toBeInTheDocument();
      expect(previewCutover).toHaveBeenCalledWith({
        entityRef: MYAPP,
        action: { action: 'split', weights: { v1: 70, v2: 30 } },
      });
    });
  });

  describe('release actions', () => {
    it('says why a colour cannot be switched to', async () => {
      await render({ getState: jest.fn().mockResolvedValue(withV2Pods(0)) });
      expect(
        await screen.findByRole('button', { name: 'Switch to v2' }),
      ).toBeDisabled();
      expect(screen.getByText('v2 has no ready pods')).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Switch to v1' }),
      ).toBeEnabled();
    });

    it('offers no switch to the colour already active, and a rollback saying to what', async () => {
      const applied = myappCutover({ status: 'applied' });
      const previewCutover = jest.fn().mockResolvedValue({
        ...myappSwitchPreview,
        action: { action: 'rollback' },
        rollbackOf: applied.id,
        plan: {
          ...myappSwitchPreview.plan,
          splits: myappSwitchPreview.plan.splits.map(s => ({
            ...s,
            before: s.after,
            after: s.before,
          })),
        },
      });
      await render({
        getState: jest.fn().mockResolvedValue(myappOnV2),
        listCutovers: listing({ applied }),
        previewCutover,
      });
      expect(
        await screen.findByRole('button', {
          name: 'Roll back to v1 50% · v2 50%',
        }),
      ).toBeEnabled();
      expect(previewCutover).toHaveBeenCalledWith({
        entityRef: MYAPP,
        action: { action: 'rollback' },
      });
      expect(
        screen.getByRole('button', { name: 'Switch to v1' }),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Switch to v2' }),
      ).not.toBeInTheDocument();
    });

    it('disables every action while a request is open', async () => {
      await render({ listCutovers: listing({ open: myappCutover() }) });
      expect(
        await screen.findByRole('button', { name: 'Set split…' }),
      ).toBeDisabled();
      expect(
        screen.getByRole('button', { name: 'Switch to v2' }),
      ).toBeDisabled();
      expect(
        screen.getByRole('button', { name: 'Progressive rollout…' }),
      ).toBeDisabled();
      expect(screen.getAllByText('a request is open')).toHaveLength(4);
    });

    it('hides the actions, naming the permission, when the backend still refuses the request permission', async () => {
      const message =
        'You may not request a cutover of component:default/myapp (permission bluegreen.cutover.request)';
      await render({
        listCutovers: listing({ applied: myappCutover({ status: 'applied' }) }),
        previewCutover: jest
          .fn()
          .mockRejectedValue(
            await backendError(403, 'NotAllowedError', message),
          ),
      });
      const actions = await screen.findByRole('region', {
        name: 'Release actions',
      });
      expect(
        await within(actions).findByText(
          `You may not request cutovers of this entity: ${message}`,
        ),
      ).toBeInTheDocument();
      expect(within(actions).queryByRole('button')).not.toBeInTheDocument();
    });
  });

  describe('the open request panel', () => {
    it('lets an approver approve, once, however often they click', async () => {
      let resolveApproval: (c: Cutover) => void = () => {};
      const approveCutover = jest.fn(
        () => new Promise<Cutover>(resolve => (resolveApproval = resolve)),
      );
      await render(
        {
          listCutovers: listing({ open: myappCutover(), approvable: true }),
          approveCutover,
        },
        { user: BOB },
      );
      const panel = await screen.findByRole('region', { name: 'Open request' });
      expect(within(panel).getByText('Awaiting approval')).toBeInTheDocument();
      expect(
        within(panel).getByText('release v2 (JIRA-42)'),
      ).toBeInTheDocument();
      expect(within(panel).getByText('0 of 1 approval')).toBeInTheDocument();
      expect(within(panel).getByText(/^alice,/)).toBeInTheDocument();
      expect(within(panel).getByText('3 minutes ago')).toBeInTheDocument();
      expect(
        within(panel).queryByRole('button', { name: 'Cancel request' }),
      ).not.toBeInTheDocument();

      await user.click(within(panel).getByRole('button', { name: 'Approve' }));
      const dialog = await screen.findByRole('dialog', {
        name: 'Approve: Switch to v2 of myapp',
      });
      fillField(
        within(dialog).getByRole('textbox', { name: 'Comment' }),
        'lgtm',
      );
      const approve = within(dialog).getByRole('button', { name: 'Approve' });
      await user.dblClick(approve);
      expect(approve).toBeDisabled();
      expect(approveCutover).toHaveBeenCalledTimes(1);
      expect(approveCutover).toHaveBeenCalledWith('c-1', { comment: 'lgtm' });
      resolveApproval(myappCutover({ status: 'applied' }));
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
    });

    it('needs a comment to reject', async () => {
      const rejectCutover = jest
        .fn()
        .mockResolvedValue(myappCutover({ status: 'rejected' }));
      await render(
        {
          listCutovers: listing({ open: myappCutover(), approvable: true }),
          rejectCutover,
        },
        { user: BOB },
      );
      await user.click(await screen.findByRole('button', { name: 'Reject' }));
      const dialog = await screen.findByRole('dialog', { name: /^Reject:/ });
      const reject = within(dialog).getByRole('button', { name: 'Reject' });
      expect(reject).toBeDisabled();
      expect(
        within(dialog).getByText('Say why you reject it'),
      ).toBeInTheDocument();
      fillField(
        within(dialog).getByRole('textbox', { name: /Comment/ }),
        'not on a Friday',
      );
      await user.click(reject);
      await waitFor(() =>
        expect(rejectCutover).toHaveBeenCalledWith('c-1', {
          comment: 'not on a Friday',
        }),
      );
    });

    it('lets the requester cancel but not approve', async () => {
      await render(
        { listCutovers: listing({ open: myappCutover(), approvable: false }) },
        { user: ALICE },
      );
      const panel = await screen.findByRole('region', { name: 'Open request' });
      expect(
        within(panel).getByRole('button', { name: 'Cancel request' }),
      ).toBeInTheDocument();
      expect(
        within(panel).queryByRole('button', { name: 'Approve' }),
      ).not.toBeInTheDocument();
      expect(
        within(panel).getByText('You cannot approve your own request.'),
      ).toBeInTheDocument();
    });

    it('offers no decision to a user who may not approve', async () => {
      await render(
        { listCutovers: listing({ open: myappCutover(), approvable: false }) },
        { user: BOB },
      );
      const panel = await screen.findByRole('region', { name: 'Open request' });
      expect(within(panel).queryByRole('button')).not.toBeInTheDocument();
    });

    it.each([
      ['approved', 'Approved, about to apply'],
      ['applying', 'Applying'],
    ] as const)(
      'shows a cutover that is %s as in progress',
      async (status, label) => {
        await render({
          listCutovers: listing({ open: myappCutover({ status }) }),
        });
        const panel = await screen.findByRole('region', {
          name: 'Open request',
        });
        expect(within(panel).getByText(label)).toBeInTheDocument();
        expect(
          within(panel).getByRole('progressbar', { name: label }),
        ).toBeInTheDocument();
        expect(within(panel).queryByRole('button')).not.toBeInTheDocument();
      },
    );

    it.each([
      [
        'applied',
        'Applied',
        {
          message: 'Applied and verified: myapp.example.com sends 100% to v2',
          verified: true,
        },
        'Applied and verified: myapp.example.com sends 100% to v2',
      ],
      [
        'failed',
        'Failed',
        {
          message: 'The second write failed; the first was reverted',
          objects: [
            {
              cluster: 'demo',
              object: {
                apiVersion: 'v1',
                kind: 'VirtualService',
                namespace: 'myapp',
                name: 'myapp',
              },
              result: 'reverted' as const,
            },
          ],
        },
        'VirtualService myapp/myapp (demo): reverted',
      ],
      [
        'superseded',
        'Superseded',
        {
          message: 'The cluster changed since this was planned — request again',
          changed: ['demo/VirtualService/myapp/myapp'],
        },
        'demo/VirtualService/myapp/myapp',
      ],
    ] as const)(
      'follows the request live to %s, and the split moves without a reload',
      async (status, label, outcome, detail) => {
        const bar =
          status === 'applied'
            ? 'myapp.example.com: v1 0%, v2 100%'
            : 'myapp.example.com: v1 50%, v2 50%';
        const signals = fakeSignals();
        const open = myappCutover({ status: 'applying' });
        const ended = myappCutover({
          status,
          outcome: outcome as CutoverOutcome,
        });
        let current: Cutover | undefined = open;
        const listCutovers = jest.fn(async (query: any) =>
          query.status?.includes('applying') && current
            ? { items: [current] }
            : { items: [] },
        );
        const getState = jest.fn().mockResolvedValue(myappState);
        await render(
          {
            getState,
            listCutovers,
            getCutover: jest.fn().mockResolvedValue(ended),
          },
          { signalApi: signals },
        );
        expect(
          await screen.findByRole('region', { name: 'Open request' }),
        ).toBeInTheDocument();
        expect(screen.getByText('Following live')).toBeInTheDocument();

        current = undefined;
        getState.mockResolvedValue(
          bar.endsWith('v2 100%') ? myappOnV2 : myappState,
        );
        signals.publish({ cutoverId: 'c-1', entityRef: MYAPP, status });

        const panel = await screen.findByRole('region', {
          name: 'Last request',
        });
        expect(within(panel).getByText(label)).toBeInTheDocument();
        expect(within(panel).getByText(detail)).toBeInTheDocument();
        await waitFor(() => expect(getState).toHaveBeenCalledTimes(2));
        expect(
          await screen.findByRole('img', { name: bar }),
        ).toBeInTheDocument();
        await user.click(
          within(panel).getByRole('button', { name: 'Dismiss' }),
        );
        expect(
          screen.queryByRole('region', { name: 'Last request' }),
        ).not.toBeInTheDocument();
      },
    );
  });

  it('lists the history, each cutover expandable to its transitions and diff', async () => {
    const applied = myappCutover({ status: 'applied' });
    await render({
      listCutovers: listing({ applied }),
      previewCutover: jest.fn().mockResolvedValue(myappSwitchPreview),
      getCutoverHistory: jest.fn().mockResolvedValue({
        entityRef: MYAPP,
        events: [
          cutoverEvent({ id: 3, type: 'applied', actor: 'plugin:bluegreen' }),
          cutoverEvent({
            id: 2,
            type: 'approved',
            actor: BOB,
            comment: 'lgtm',
          }),
          cutoverEvent({ id: 1, type: 'requested', status: 'requested' }),
        ],
      }),
    });
    const history = await screen.findByRole('region', { name: 'History' });
    const entry = await within(history).findByRole('button', {
      name: /Switch to v2 · Applied · alice/,
    });
    await user.click(entry);
    const transitions = await within(history).findByRole('list', {
      name: 'Switch to v2: transitions',
    });
    expect(
      within(transitions)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'requested by alice, 1 minute ago',
      'approved by bob, 1 minute ago: “lgtm”',
      'applied by the blue/green backend, 1 minute ago',
    ]);
    expect(
      within(history).getByLabelText('diff of VirtualService myapp/myapp'),
    ).toBeInTheDocument();
  });
});
