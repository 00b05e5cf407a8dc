/* Writes the frontend's test fixtures: `yarn generate:frontend-fixtures` in this package. */
import { writeFileSync } from 'node:fs';
import {
  FRONTEND_FIXTURES_FILE,
  frontendFixturesText,
} from './frontendFixtures';

writeFileSync(FRONTEND_FIXTURES_FILE, frontendFixturesText());
process.stdout.write(`wrote ${FRONTEND_FIXTURES_FILE}\n`);
