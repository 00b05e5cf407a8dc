import { DEFAULT_ROLLOUT_GATES } from '@bluegreen-istio/plugin-bluegreen-common';
import {
  QueryAnswer,
  latencyP99Query,
  measure,
  queriesFor,
  singleValue,
  successRateQuery,
  verdictOf,
} from './gates';

const target = {
  cluster: 'demo',
  namespace: 'progressive',
  service: 'progressive-app',
  version: 'green',
};
const [queries] = queriesFor([target], 30);
const vector = (...values: string[]): QueryAnswer => ({
  ok: true,
  resultType: 'vector',
  result: values.map(v => ({ metric: {}, value: [1700000000.5, v] })),
});

describe('gate queries', () => {
  it('select one colour of one Service as the destination proxy reports it', () => {
    expect(successRateQuery(target, '30s')).toBe(
      'sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="progressive",destination_service_name="progressive-app",destination_version="green",response_code!~"5.."}[30s])) / sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="progressive",destination_service_name="progressive-app",destination_version="green"}[30s])) * 100',
    );
    expect(latencyP99Query(target, '30s')).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_namespace="progressive",destination_service_name="progressive-app",destination_version="green"}[30s])))',
    );
    expect(queries.requestCount).toBe(
      'sum(increase(istio_requests_total{reporter="destination",destination_service_namespace="progressive",destination_service_name="progressive-app",destination_version="green"}[30s])) or on() vector(0)',
    );
  });

  it('escapes quotes in label values so a name cannot change the query', () => {
    expect(successRateQuery({ ...target, version: 'a"b' }, '1m')).toContain(
      'destination_version="a\\"b"',
    );
  });
});

describe('singleValue', () => {
  it('reads a one-sample vector and a scalar', () => {
    expect(singleValue(vector('99.5'))).toEqual({ value: 99.5 });
    expect(
      singleValue({ ok: true, resultType: 'scalar', result: [1, '3'] }),
    ).toEqual({ value: 3 });
  });

  it('has no value for NaN, an empty vector, several series or an error', () => {
    expect(singleValue(vector('NaN'))).toEqual({
      value: null,
      message: 'NaN (no requests in the window)',
    });
    expect(singleValue(vector())).toEqual({
      value: null,
      message: 'no series matched (no traffic yet?)',
    });
    expect(singleValue(vector('1', '2'))).toMatchObject({ value: null });
    expect(singleValue({ ok: false, message: 'connect ECONNREFUSED' })).toEqual(
      { value: null, message: 'connect ECONNREFUSED' },
    );
  });

  it('reads +Inf as infinity: a p99 beyond every bucket is a value, not missing data', () => {
    expect(singleValue(vector('+Inf'))).toEqual({ value: Infinity });
  });
});

describe('measure', () => {
  const gates = DEFAULT_ROLLOUT_GATES;
  const answers = (count: QueryAnswer, rate: QueryAnswer, p99: QueryAnswer) =>
    measure(
      queries,
      { requestCount: count, successRate: rate, latencyP99: p99 },
      gates,
    );

  it('passes a healthy colour, recording every query and value', () => {
    const measurements = answers(vector('240'), vector('100'), vector('42.5'));
    expect(measurements.map(m => [m.gate, m.value, m.result])).toEqual([
      ['request-count', 240, 'pass'],
      ['success-rate', 100, 'pass'],
      ['latency-p99', 42.5, 'pass'],
    ]);
    expect(measurements.map(m => m.query)).toEqual([
      queries.requestCount,
      queries.successRate,
      queries.latencyP99,
    ]);
    expect(verdictOf(measurements)).toBe('pass');
  });

  it('fails on a low success rate and on an infinite p99', () => {
    expect(verdictOf(answers(vector('240'), vector('80'), vector('40')))).toBe(
      'fail',
    );
    expect(
      verdictOf(answers(vector('240'), vector('100'), vector('+Inf'))),
    ).toBe('fail');
  });

  it('has no data without traffic: the count is 0, the ratio NaN, the quantile missing', () => {
    const measurements = answers(vector('0'), vector('NaN'), vector());
    expect(measurements.map(m => m.result)).toEqual([
      'no-data',
      'no-data',
      'no-data',
    ]);
    expect(verdictOf(measurements)).toBe('no-data');
  });

  it('does not judge a few bad requests: under the minimum count the rate is no-data', () => {
    const measurements = answers(vector('3'), vector('0'), vector('900'));
    expect(measurements.map(m => m.result)).toEqual([
      'no-data',
      'no-data',
      'no-data',
    ]);
    expect(verdictOf(measurements)).toBe('no-data');
  });

  it('has no data when Prometheus cannot answer', () => {
    const down: QueryAnswer = { ok: false, message: 'timed out after 5000 ms' };
    expect(verdictOf(answers(down, down, down))).toBe('no-data');
  });
});
