import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type ScratchDatabase } from '../../src/db/admin.js';

export type TestDatabase = ScratchDatabase;

/** A fresh, migrated database copied from the run's template (a few ms); drop it when done. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDb');
  const owner = template.replace('mlb_template_', '');
  return createDatabase(inject('adminUrl'), `t_${owner}_${randomBytes(5).toString('hex')}`, template);
}
