import { readFileSync } from 'node:fs';
import {
  FRONTEND_FIXTURES_FILE,
  REGENERATE_COMMAND,
  frontendFixtures,
} from './__testUtils__/frontendFixtures';

describe('the frontend fixtures', () => {
  it('are what the backend answers for the demo scenarios today', () => {
    const committed = JSON.parse(readFileSync(FRONTEND_FIXTURES_FILE, 'utf8'));
    // A round trip through JSON drops what the wire drops (undefined fields), as the API does.
    const current = JSON.parse(JSON.stringify(frontendFixtures()));
    const verdict =
      JSON.stringify(committed) === JSON.stringify(current)
        ? 'up to date'
        : `${FRONTEND_FIXTURES_FILE} is stale: the backend's answer for the demo scenarios changed. Run \`${REGENERATE_COMMAND}\` and commit the result.`;
    expect(verdict).toBe('up to date');
  });
});
