import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { KubeObject } from './types';
import { isJsonObject } from './util';

/** The scenarios shipped with this package (pii-demo, myapp, progressive). */
// The package runs from source only (tests, `yarn start`), never bundled, so __dirname holds.
// eslint-disable-next-line no-restricted-syntax
export const SCENARIOS_DIR = resolve(__dirname, '..', 'scenarios');

/** Parses multi-document YAML (or JSON) manifests, skipping empty documents. */
export function parseManifests(
  text: string,
  source = 'manifest',
): KubeObject[] {
  return loadAll(text).flatMap((document, index) => {
    if (document === null || document === undefined) {
      return [];
    }
    if (
      !isJsonObject(document) ||
      typeof document.apiVersion !== 'string' ||
      typeof document.kind !== 'string' ||
      !isJsonObject(document.metadata)
    ) {
      throw new Error(
        `${source}: document ${
          index + 1
        } is not a Kubernetes object (apiVersion, kind and metadata are required)`,
      );
    }
    if (document.kind === 'List' && Array.isArray(document.items)) {
      return document.items as KubeObject[];
    }
    return [document as KubeObject];
  });
}

/** Loads every `*.yaml` / `*.yml` file in the folders, in file name order. */
export function loadScenarios(dirs: string[]): KubeObject[] {
  return dirs.flatMap(dir =>
    readdirSync(dir)
      .filter(file => /\.ya?ml$/.test(file))
      .sort()
      .flatMap(file => {
        const path = join(dir, file);
        return parseManifests(readFileSync(path, 'utf8'), path);
      }),
  );
}
