import { demoScenario, templateValuesOf } from '../__testUtils__/demoScenarios';
import { parseBlueGreenInput } from './input';
import { myappInput, piiDemoInput } from './scenarioInputs';

describe('the scenario inputs', () => {
  it.each([
    ['pii-demo', piiDemoInput],
    ['myapp', myappInput],
  ] as const)('describe the %s scenario as its YAML does', (name, input) => {
    const scenario = templateValuesOf(demoScenario(name));
    const spec = parseBlueGreenInput(input);
    expect({
      name: spec.name,
      domain: spec.domain,
      colours: spec.colours,
      image: spec.service.images[spec.colours[0]],
      port: spec.service.port,
      protocol: spec.service.protocol,
      replicas: spec.service.replicas,
      colourHosts: spec.routing.colourHosts,
      meshAffinity: spec.routing.meshAffinity,
      weights: spec.routing.weights,
      database: spec.database && {
        name: spec.database.name,
        image: spec.database.image,
        port: spec.database.port,
      },
    }).toEqual({
      name: scenario.name,
      domain: scenario.domain,
      colours: scenario.colours,
      image: scenario.image,
      port: scenario.port,
      protocol: scenario.protocol,
      replicas: scenario.replicas,
      colourHosts: scenario.colourHosts,
      meshAffinity: scenario.meshAffinity,
      weights: scenario.weights,
      database: scenario.database,
    });
  });
});
