import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BlueGreenApi, bluegreenApiRef } from '../../api';
import { BOB, myappCutover } from '../../__fixtures__/cutovers';
import { myappEntity, piiDemoEntity } from '../../__fixtures__/entities';
import { apiWithDefaults } from '../../__testUtils__/cutoverApi';
import { CutoverApprovalsContent, PAGE_SIZE } from './CutoverApprovalsContent';

function owned(entity: Entity, owner: string): Entity {
  return { ...entity, spec: { ...entity.spec, owner } };
}

/** `count` open requests across entities, newest first, as the backend would page them. */
function requests(count: number): Cutover[] {
  return Array.from({ length: count }, (_, i) =>
    myappCutover({
      id: `c-${i}`,
      entityRef:
        i % 2 ? 'component:default/pii-demo' : 'component:default/myapp',
      reason: `request ${i}`,
      requestedBy: 'user:default/alice',
    }),
  );
}

/** listCutovers over a fixed set: filters by status, pages by an index cursor. */
function pagedList(all: Cutover[]): BlueGreenApi['listCutovers'] {
  return jest.fn(async query => {
    const matching = all.filter(
      c => !query.status || query.status.includes(c.status),
    );
    const start = Number(query.cursor ?? 0);
    const end = start + (query.limit ?? 50);
    return {
      items: matching.slice(start, end),
      nextCursor: end < matching.length ? String(end) : undefined,
    };
  });
}

async function renderPage(api: Partial<BlueGreenApi>) {
  const full = apiWithDefaults(api);
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [bluegreenApiRef, full],
        [identityApiRef, mockApis.identity({ userEntityRef: BOB })],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              owned(myappEntity, 'group:default/team-a'),
              owned(piiDemoEntity, 'group:default/team-b'),
            ],
          }),
        ],
      ]}
    >
      <CutoverApprovalsContent refreshIntervalMs={600_000} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return full;
}

// Paging through 1,000 requests renders many tables; two cores shared with other suites make it
// slower than Jest's 5 s default.
jest.setTimeout(20_000);

describe('CutoverApprovalsContent', () => {
  it('lists what the user can approve, a page at a time, with a link to the tab', async () => {
    const open = requests(1000);
    const api = await renderPage({ listCutovers: pagedList(open) });
    const awaiting = await screen.findByRole('table', {
      name: 'Awaiting your approval',
    });
    // A page of rows, never the thousand.
    expect(within(awaiting).getAllByRole('row')).toHaveLength(PAGE_SIZE + 1);
    expect(api.listCutovers).toHaveBeenCalledWith({
      approvableBy: 'me',
      status: ['requested'],
      limit: PAGE_SIZE,
      cursor: undefined,
    });
    const first = within(awaiting).getAllByRole('row')[1];
    expect(within(first).getByRole('link', { name: 'myapp' })).toHaveAttribute(
      'href',
      '/catalog/default/component/myapp/bluegreen',
    );
    expect(within(first).getByText('Switch to v2')).toBeInTheDocument();
    expect(within(first).getByText('alice')).toBeInTheDocument();
    expect(within(first).getByText('3 minutes ago')).toBeInTheDocument();
    expect(await within(first).findByText('team-a')).toBeInTheDocument();

    const user = userEvent.setup({ delay: null });
    const section = screen.getByRole('region', {
      name: 'Awaiting your approval',
    });
    await user.click(within(section).getByRole('button', { name: 'Older' }));
    expect(await within(section).findByText('request 25')).toBeInTheDocument();
    expect(within(section).getByText('Page 2')).toBeInTheDocument();
    await user.click(within(section).getByRole('button', { name: 'Newer' }));
    expect(await within(section).findByText('request 0')).toBeInTheDocument();
  });

  it('approves inline with the confirmation, then reads again', async () => {
    const open = requests(2);
    const approveCutover = jest
      .fn()
      .mockResolvedValue({ ...open[0], status: 'applied' });
    const api = await renderPage({
      listCutovers: pagedList(open),
      approveCutover,
    });
    const user = userEvent.setup({ delay: null });
    await user.click(
      await screen.findByRole('button', {
        name: 'Approve Switch to v2 of myapp',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve: Switch to v2 of myapp',
    });
    const calls = (api.listCutovers as jest.Mock).mock.calls.length;
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(approveCutover).toHaveBeenCalledWith('c-0', {});
    await waitFor(() =>
      expect((api.listCutovers as jest.Mock).mock.calls.length).toBeGreaterThan(
        calls,
      ),
    );
  });

  it("shows the backend's message when an approval is refused", async () => {
    const { backendError } = await import('../../__testUtils__/cutoverApi');
    await renderPage({
      listCutovers: pagedList(requests(1)),
      approveCutover: jest
        .fn()
        .mockRejectedValue(
          await backendError(
            409,
            'ConflictError',
            'cutover c-0 is applied, not awaiting approval',
          ),
        ),
    });
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: /^Approve / }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(
      await within(dialog).findByText(
        'cutover c-0 is applied, not awaiting approval',
      ),
    ).toBeInTheDocument();
  });

  it('filters recent requests by status (asking the API) and by owner', async () => {
    const all = [
      ...requests(2),
      myappCutover({ id: 'done', status: 'applied', reason: 'shipped' }),
    ];
    const api = await renderPage({ listCutovers: pagedList(all) });
    const recent = await screen.findByRole('region', {
      name: 'Recent requests',
    });
    expect(await within(recent).findByText('shipped')).toBeInTheDocument();
    const user = userEvent.setup({ delay: null });

    await user.click(within(recent).getByRole('button', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Applied' }));
    await waitFor(() =>
      expect(within(recent).queryByText('request 0')).not.toBeInTheDocument(),
    );
    expect(within(recent).getByText('shipped')).toBeInTheDocument();
    expect(api.listCutovers).toHaveBeenCalledWith({
      status: ['applied'],
      limit: PAGE_SIZE,
      cursor: undefined,
    });

    await user.click(within(recent).getByRole('button', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Any status' }));
    expect(await within(recent).findByText('request 1')).toBeInTheDocument();
    await user.click(within(recent).getByRole('button', { name: 'Owner' }));
    await user.click(await screen.findByRole('option', { name: 'team-b' }));
    await waitFor(() =>
      expect(within(recent).queryByText('request 0')).not.toBeInTheDocument(),
    );
    expect(within(recent).getByText('request 1')).toBeInTheDocument();
  });

  it('says when nothing waits for the user', async () => {
    await renderPage({});
    expect(
      await screen.findByText('No request is waiting for your approval.'),
    ).toBeInTheDocument();
    expect(screen.getByText('No cutover requests match.')).toBeInTheDocument();
  });
});
