import { BlueGreenStateResponse } from '@bluegreen-istio/plugin-bluegreen-common';
import { screen } from '@testing-library/react';
import {
  myappEntity,
  piiDemoEntity,
  unannotatedEntity,
} from '../../__fixtures__/entities';
import {
  myappState,
  piiDemoState,
  unreachableCluster,
} from '../../__fixtures__/states';
import { myappCutover } from '../../__fixtures__/cutovers';
import { renderWithEntity } from '../../__testUtils__/renderWithEntity';
import { EntityBlueGreenCard } from './EntityBlueGreenCard';

describe('EntityBlueGreenCard', () => {
  it('shows a pending request as a chip linking to the tab', async () => {
    await renderWithEntity(<EntityBlueGreenCard />, {
      entity: myappEntity,
      api: {
        getState: jest.fn().mockResolvedValue(myappState),
        listCutovers: jest.fn().mockResolvedValue({ items: [myappCutover()] }),
      },
    });
    const chip = await screen.findByText(
      'Pending: Switch to v2 · Awaiting approval',
    );
    expect(chip.closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/myapp/bluegreen',
    );
  });

  it('shows the split, each colour ready and the way to the tab', async () => {
    await renderWithEntity(<EntityBlueGreenCard />, {
      entity: piiDemoEntity,
      api: { getState: jest.fn().mockResolvedValue(piiDemoState) },
    });

    expect(
      await screen.findByRole('img', {
        name: 'pii-demo.apps.hl.test: blue 50%, green 50%',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('pii-demo.apps.hl.test (round robin)'),
    ).toBeInTheDocument();
    expect(screen.getByText('blue')).toBeInTheDocument();
    expect(screen.getByText('green')).toBeInTheDocument();
    expect(screen.getAllByText('2/2 ready')).toHaveLength(2);
    expect(
      screen.getByRole('link', { name: /Colours, routes and findings/ }),
    ).toHaveAttribute('href', '/catalog/default/component/pii-demo/bluegreen');
  });

  it('names each cluster and keeps the others when one fails', async () => {
    const partial: BlueGreenStateResponse = {
      ...myappState,
      clusters: [myappState.clusters[0], unreachableCluster('staging')],
    };
    await renderWithEntity(<EntityBlueGreenCard />, {
      entity: myappEntity,
      api: { getState: jest.fn().mockResolvedValue(partial) },
    });

    expect(await screen.findByText('Cluster demo')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'myapp.example.com: v1 50%, v2 50%' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Cluster staging')).toBeInTheDocument();
    expect(
      screen.getByText(/cluster 'staging' is unreachable/),
    ).toBeInTheDocument();
  });

  it('tells what to add on an entity without the annotation', async () => {
    const getState = jest.fn();
    await renderWithEntity(<EntityBlueGreenCard />, {
      entity: unannotatedEntity,
      api: { getState },
    });

    expect(screen.getByText('bluegreen/istio-hosts')).toBeInTheDocument();
    expect(getState).not.toHaveBeenCalled();
  });
});
