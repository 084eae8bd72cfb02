// Whole databases on a server we administer: the test run's per-file copies and the benchmarks'.
import postgres from 'postgres';
import { withDatabase } from './client.js';

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function onServer(adminUrl: string, statement: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/** Creates database `name` (a copy of `template` when given) on adminUrl's server. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<ScratchDatabase> {
  if (!/^\w+$/.test(name) || (template && !/^\w+$/.test(template)))
    throw new Error(`not a plain database name: ${name}`);
  await onServer(adminUrl, `create database ${name}${template ? ` template ${template}` : ''}`);
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => onServer(adminUrl, `drop database if exists ${name} with (force)`),
  };
}
