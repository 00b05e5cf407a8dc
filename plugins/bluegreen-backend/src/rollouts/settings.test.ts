import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { DEFAULT_ROLLOUT_GATES } from '@bluegreen-istio/plugin-bluegreen-common';
import {
  resolveSettings,
  RolloutDefaults,
  rolloutDefaultsFromConfig,
} from './settings';

const CONFIGURED: RolloutDefaults = {
  steps: [10, 30, 50, 100],
  mode: 'auto',
  intervalSeconds: 120,
  minIntervalSeconds: 10,
  gates: { ...DEFAULT_ROLLOUT_GATES, minRequests: 25 },
};

const entity = (annotations: Record<string, string>) => ({
  entityRef: 'component:default/shop',
  annotations,
});

describe('resolveSettings', () => {
  it('takes the request over the annotations over the configuration over the built-in values', () => {
    const annotated = entity({
      'bluegreen/rollout-steps': '20, 60, 100',
      'bluegreen/rollout-interval': '2m',
      'bluegreen/rollout-mode': 'manual',
      'bluegreen/rollout-min-success-rate': '99.5',
      'bluegreen/rollout-max-p99-ms': '300',
    });
    expect(
      resolveSettings(
        { action: 'progressive', colour: 'green' },
        CONFIGURED,
        annotated,
      ),
    ).toEqual({
      colour: 'green',
      steps: [20, 60, 100],
      intervalSeconds: 120,
      mode: 'manual',
      gates: {
        minSuccessRatePercent: 99.5,
        maxLatencyP99Ms: 300,
        // Configured, as no annotation names it.
        minRequests: 25,
        // Built in, as neither names it.
        noDataIntervals: 2,
      },
    });
    expect(
      resolveSettings(
        {
          action: 'progressive',
          colour: 'green',
          steps: [50, 100],
          intervalSeconds: 30,
          mode: 'auto',
          gates: { maxLatencyP99Ms: 800, noDataIntervals: 0 },
        },
        CONFIGURED,
        annotated,
      ),
    ).toEqual({
      colour: 'green',
      steps: [50, 100],
      intervalSeconds: 30,
      mode: 'auto',
      gates: {
        minSuccessRatePercent: 99.5,
        maxLatencyP99Ms: 800,
        minRequests: 25,
        noDataIntervals: 0,
      },
    });
  });

  it.each([
    ['bluegreen/rollout-interval', '90s', { intervalSeconds: 90 }],
    ['bluegreen/rollout-interval', '45', { intervalSeconds: 45 }],
    ['bluegreen/rollout-min-requests', '0', { gates: { minRequests: 0 } }],
    [
      'bluegreen/rollout-no-data-intervals',
      '3',
      { gates: { noDataIntervals: 3 } },
    ],
  ])('reads %s: %s', (annotation, value, expected) => {
    expect(
      resolveSettings(
        { action: 'progressive', colour: 'green' },
        CONFIGURED,
        entity({ [annotation]: value }),
      ),
    ).toMatchObject(expected);
  });

  it.each([
    ['bluegreen/rollout-steps', '10,50,30,100', '10,30,50,100'],
    ['bluegreen/rollout-steps', '10,30,50', '10,30,50,100'],
    ['bluegreen/rollout-interval', '1h', '90s'],
    ['bluegreen/rollout-min-success-rate', '101', '99.5'],
    ['bluegreen/rollout-min-success-rate', '99%', '99.5'],
    ['bluegreen/rollout-max-p99-ms', '0', '300'],
    ['bluegreen/rollout-min-requests', '2.5', '50'],
    ['bluegreen/rollout-no-data-intervals', '-1', '2'],
  ])(
    'refuses %s: %s, naming the annotation and an example',
    (annotation, value, example) => {
      const resolve = () =>
        resolveSettings(
          { action: 'progressive', colour: 'green' },
          CONFIGURED,
          entity({ [annotation]: value }),
        );
      expect(resolve).toThrow(
        `component:default/shop has annotation ${annotation}: '${value}'`,
      );
      expect(resolve).toThrow(
        `fix it in the entity's catalog-info.yaml (e.g. ${annotation}: "${example}")`,
      );
    },
  );

  it.each([
    [
      'a mode other than auto or manual',
      'bluegreen/rollout-mode',
      'fast',
      "bluegreen/rollout-mode: 'fast', which is neither auto nor manual",
    ],
    [
      'an annotated interval under the shortest accepted, naming the annotation',
      'bluegreen/rollout-interval',
      '5s',
      "component:default/shop has annotation bluegreen/rollout-interval: '5s', shorter than the shortest interval accepted, 10 s",
    ],
  ])('refuses %s', (_, annotation, value, message) => {
    expect(() =>
      resolveSettings(
        { action: 'progressive', colour: 'green' },
        CONFIGURED,
        entity({ [annotation]: value }),
      ),
    ).toThrow(message);
  });

  it('refuses a broken annotation even where the request overrides it, so a typo never lies in wait', () => {
    expect(() =>
      resolveSettings(
        { action: 'progressive', colour: 'green', steps: [50, 100] },
        CONFIGURED,
        entity({ 'bluegreen/rollout-steps': 'ten' }),
      ),
    ).toThrow(/bluegreen\/rollout-steps: 'ten'/);
  });
});

describe('rolloutDefaultsFromConfig', () => {
  const configured = (rollouts: JsonObject) =>
    rolloutDefaultsFromConfig(new ConfigReader(rollouts));

  it('takes steps, mode, interval and gates from bluegreen.rollouts, the built-in values elsewhere', () => {
    const defaults = configured({
      steps: [25, 100],
      mode: 'manual',
      gates: { maxLatencyP99Ms: 250 },
    });
    expect(defaults).toEqual({
      steps: [25, 100],
      mode: 'manual',
      intervalSeconds: 120,
      minIntervalSeconds: 10,
      gates: { ...DEFAULT_ROLLOUT_GATES, maxLatencyP99Ms: 250 },
    });
    expect(
      resolveSettings({ action: 'progressive', colour: 'v2' }, defaults),
    ).toMatchObject({ steps: [25, 100], mode: 'manual' });
    expect(rolloutDefaultsFromConfig(undefined)).toMatchObject({
      steps: [10, 30, 50, 100],
      mode: 'auto',
    });
  });

  it('refuses configured steps or a mode that cannot be defaults, naming the key', () => {
    expect(() => configured({ steps: [50, 30, 100] })).toThrow(
      'bluegreen.rollouts.steps: [50,30,100] is not a list of whole percents from 1, increasing, ending at 100',
    );
    expect(() => configured({ steps: [10, 50] })).toThrow(
      'bluegreen.rollouts.steps',
    );
    expect(() => configured({ mode: 'fast' })).toThrow(
      "bluegreen.rollouts.mode: 'fast' is neither 'auto' nor 'manual'",
    );
  });
});
