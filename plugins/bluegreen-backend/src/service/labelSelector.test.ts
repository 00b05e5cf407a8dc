import { parseLabelSelector } from './labelSelector';

const ANNOTATION = 'backstage.io/kubernetes-label-selector';

describe('parseLabelSelector', () => {
  const matches = (selector: string, labels?: Record<string, string>) =>
    parseLabelSelector(selector, ANNOTATION)(labels);

  it('matches the requirements Kubernetes accepts, all of them at once', () => {
    const web = { app: 'shop', tier: 'web', version: 'blue' };
    expect(matches('app=shop', web)).toBe(true);
    expect(matches('app==shop,tier!=db', web)).toBe(true);
    expect(matches('tier in (web, db), version notin (green)', web)).toBe(true);
    expect(matches('app, !canary', web)).toBe(true);
    expect(matches('app=shop,tier=db', web)).toBe(false);
    expect(matches('version notin (blue)', web)).toBe(false);
    expect(matches('!app', web)).toBe(false);
    expect(matches('tier in (web)', undefined)).toBe(false);
    expect(matches('tier notin (web)', undefined)).toBe(true);
  });

  it('names the annotation and the accepted forms for what it cannot read', () => {
    expect(() => parseLabelSelector('app=shop,tier>web', ANNOTATION)).toThrow(
      `annotation '${ANNOTATION}' has 'tier>web', which is not a Kubernetes label selector requirement`,
    );
  });
});
