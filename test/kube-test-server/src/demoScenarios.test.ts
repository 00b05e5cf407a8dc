import { readdirSync } from 'node:fs';
import { DEMO_SCENARIO_NAMES, loadDemoScenario } from './demoScenarios';
import { SCENARIOS_DIR } from './seed';

describe('loadDemoScenario', () => {
  it('knows every scenario file the server is seeded with', () => {
    expect(
      readdirSync(SCENARIOS_DIR)
        .filter(file => file.endsWith('.yaml'))
        .map(file => file.replace(/\.yaml$/, ''))
        .sort(),
    ).toEqual([...DEMO_SCENARIO_NAMES].sort());
  });

  it.each([
    ['pii-demo', 'pii-demo', 'pii-demo'],
    ['myapp', 'myapp', 'myapp'],
    ['progressive', 'progressive', 'progressive-app'],
  ] as const)(
    'reads %s: namespace %s, shown by the example component %s of the default namespace',
    (name, namespace, entityName) => {
      const scenario = loadDemoScenario(name);
      expect(scenario.namespace).toBe(namespace);
      expect(scenario.manifests.map(m => m.kind)).toContain('VirtualService');
      expect(scenario.entity).toMatchObject({
        kind: 'Component',
        metadata: { name: entityName, namespace: 'default' },
      });
    },
  );

  it('reads afresh, so one test changing its copy leaves the next one the file', () => {
    const first = loadDemoScenario('myapp');
    first.manifests.length = 0;
    first.entity.metadata.name = 'changed';
    const second = loadDemoScenario('myapp');
    expect(second.manifests.length).toBeGreaterThan(0);
    expect(second.entity.metadata.name).toBe('myapp');
  });
});
