/*
 * The tab for a user the permission policy grants neither `bluegreen.cutover.request` nor
 * `bluegreen.cutover.approve` on the entity (vera, in no team; alice once she left the team).
 *
 * In a file of its own: `usePermission` keeps its answers in a cache shared by every render of a
 * test file (keyed by permission and entity), so a test in which the policy refuses must not share
 * a file with tests in which it allows.
 */
import { screen, within } from '@testing-library/react';
import { myappEntity } from '../../__fixtures__/entities';
import {
  ALICE,
  myappCutover,
  myappRollout,
  myappRolloutMetrics,
  myappSwitchPreview,
} from '../../__fixtures__/cutovers';
import { myappState } from '../../__fixtures__/states';
import { CutoverTab, listing } from '../../__testUtils__/cutoverTab';
import { renderWithEntity } from '../../__testUtils__/renderWithEntity';
import { BlueGreenApi } from '../../api';

const VERA = 'user:default/vera';

function render(api: Partial<BlueGreenApi>, user = VERA) {
  return renderWithEntity(<CutoverTab />, {
    entity: myappEntity,
    api: { getState: jest.fn().mockResolvedValue(myappState), ...api },
    user,
    deniedPermissions: [
      'bluegreen.cutover.request',
      'bluegreen.cutover.approve',
    ],
  });
}

describe('cutovers on the Blue/Green tab, without the permissions', () => {
  it('hides the release actions, saying why, and asks the backend nothing about them', async () => {
    const previewCutover = jest.fn().mockResolvedValue(myappSwitchPreview);
    await render({
      listCutovers: listing({ applied: myappCutover({ status: 'applied' }) }),
      previewCutover,
    });
    const actions = await screen.findByRole('region', {
      name: 'Release actions',
    });
    expect(
      within(actions).getByText(
        'You may not request cutovers of this entity: the permission policy does not grant you bluegreen.cutover.request for it',
      ),
    ).toBeInTheDocument();
    expect(within(actions).queryByRole('button')).not.toBeInTheDocument();
    // Not even what a rollback would restore.
    expect(previewCutover).not.toHaveBeenCalled();
  });

  it('offers no approve or reject, saying why, even when the backend lists the request', async () => {
    await render({
      listCutovers: listing({ open: myappCutover(), approvable: true }),
    });
    const panel = await screen.findByRole('region', { name: 'Open request' });
    expect(
      await within(panel).findByText(
        'You may not approve or reject cutovers of this entity (permission bluegreen.cutover.approve).',
      ),
    ).toBeInTheDocument();
    expect(within(panel).queryByRole('button')).not.toBeInTheDocument();
  });
  it.each([
    ['vera, who may not approve', VERA],
    ['alice, its requester, who may no longer request', ALICE],
  ])(
    'offers %s no promote, pause or abort of a rollout, saying why',
    async (_who, user) => {
      const rollout = myappRollout({}, { mode: 'manual', current: 0 });
      await render(
        {
          listCutovers: listing({ open: rollout }),
          getRolloutMetrics: jest.fn(async () => myappRolloutMetrics(rollout)),
        },
        user,
      );
      const panel = await screen.findByRole('region', { name: 'Rollout' });
      expect(
        await within(panel).findByText(
          'You may not steer this rollout: only its requester or an approver of the entity may.',
        ),
      ).toBeInTheDocument();
      for (const name of [
        'Promote to the next step',
        'Pause',
        'Abort and roll back',
      ]) {
        expect(
          within(panel).queryByRole('button', { name }),
        ).not.toBeInTheDocument();
      }
    },
  );
});
