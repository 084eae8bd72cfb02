import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printSdl } from '../../src/graphql/schema.js';

describe('schema.graphql', () => {
  it('is what the code generates', async () => {
    const committed = await readFile('schema.graphql', 'utf8');
    const generated = await printSdl();
    if (committed !== generated) {
      expect.fail('schema.graphql is stale: run npm run schema and commit the result');
    }
    expect(committed).toContain('type Query');
  });
});
