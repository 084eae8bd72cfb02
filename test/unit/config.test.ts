import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../src/config.js';

const NO_SECRETS = path.join(os.tmpdir(), 'mlb-no-secrets-here');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'mlb-config-'));

function problems(env: Record<string, string>, secretsDir = NO_SECRETS): string[] {
  try {
    loadConfig({ env, secretsDir });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('settings', () => {
  it('starts in development with nothing set, generating a key kept under the data directory', () => {
    const dataDir = tmp();
    const a = loadConfig({ env: { DATA_DIR: dataDir }, secretsDir: NO_SECRETS });
    const b = loadConfig({ env: { DATA_DIR: dataDir }, secretsDir: NO_SECRETS });
    expect(a.env).toBe('development');
    expect(a.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(b.secretKey).toBe(a.secretKey);
    expect(readFileSync(path.join(dataDir, 'secret_key'), 'utf8')).toBe(a.secretKey);
    expect(a.databaseUrl).toBeUndefined();
    expect(a.recall).toEqual({
      windowSize: 2,
      windowMinutes: 20,
      intervalSeconds: 30,
      disable: false,
      noShowMinutes: 30,
    });
    expect(a.port).toBe(8000);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('requires SECRET_KEY and the three passwords in production, listing every missing one at once', () => {
    const list = problems({ NODE_ENV: 'production' });
    expect(list).toEqual([
      'SECRET_KEY: required when NODE_ENV=production',
      'ADMIN_PASSWORD: required when NODE_ENV=production',
      'TABLET_PASSWORD: required when NODE_ENV=production',
      'VR_GAME_PASSWORD: required when NODE_ENV=production',
    ]);
  });

  it('reports every malformed value together', () => {
    const list = problems({
      DATABASE_URL: 'mysql://nope',
      PORT: 'eighty',
      RECALL_WINDOW_SIZE: '-1',
      TZ: 'Mars/Olympus',
      RECALL_DISABLE: 'maybe',
    });
    const names = list.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'PORT', 'RECALL_WINDOW_SIZE', 'TZ', 'RECALL_DISABLE']),
    );
    expect(list.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres/);
  });

  it('lets a secret file win over the environment', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'SECRET_KEY'), 'from-a-secret-file-that-is-long-enough-to-use\n');
    writeFileSync(path.join(dir, 'RECALL_WINDOW_SIZE'), '5');
    const config = loadConfig({
      env: { SECRET_KEY: 'from-the-environment-but-also-long-enough!!', RECALL_WINDOW_SIZE: '3', DATA_DIR: tmp() },
      secretsDir: dir,
    });
    expect(config.secretKey).toBe('from-a-secret-file-that-is-long-enough-to-use');
    expect(config.recall.windowSize).toBe(5);
  });

  it('wants all three Twilio settings or none, and a DATABASE_URL beside NUC_DATABASE_URL', () => {
    const list = problems({ TWILIO_ACCOUNT_SID: 'AC123', NUC_DATABASE_URL: 'postgres://nuc/db', DATA_DIR: tmp() });
    expect(list).toContain('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM: set all three or none');
    expect(list).toContain('DATABASE_URL: required when NUC_DATABASE_URL is set');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ env: { DATABASE_URL: '', S3_BUCKET: '', DATA_DIR: tmp() }, secretsDir: NO_SECRETS });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.s3).toBeUndefined();
  });

  describe('PUBLIC_BASE_URL with Twilio configured', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: '+14155550100' };
    const production = {
      NODE_ENV: 'production',
      SECRET_KEY: 'k'.repeat(40),
      ADMIN_PASSWORD: 'admin-password-1',
      TABLET_PASSWORD: 'tablet-password-1',
      VR_GAME_PASSWORD: 'vr-password-1',
      DATABASE_URL: 'postgres://db/mlb',
    };

    it('is required in production, since texts would link to an address no phone can open', () => {
      const list = problems({ ...production, ...twilio });
      expect(list).toHaveLength(1);
      expect(list[0]).toMatch(/^PUBLIC_BASE_URL: required when NODE_ENV=production and Twilio is configured/);
      expect(() =>
        loadConfig({
          env: { ...production, ...twilio, PUBLIC_BASE_URL: 'https://mlb.example.com' },
          secretsDir: NO_SECRETS,
        }),
      ).not.toThrow();
      expect(() => loadConfig({ env: production, secretsDir: NO_SECRETS })).not.toThrow();
    });

    it('is only warned about in development, naming the address texts would carry', () => {
      const dev = loadConfig({ env: { ...twilio, DATA_DIR: tmp() }, secretsDir: NO_SECRETS });
      expect(configWarnings(dev)).toEqual([
        'PUBLIC_BASE_URL is not set: texts will link to http://localhost:8000, which no phone can open',
      ]);
      const set = loadConfig({
        env: { ...twilio, DATA_DIR: tmp(), PUBLIC_BASE_URL: 'https://x.test' },
        secretsDir: NO_SECRETS,
      });
      expect(configWarnings(set)).toEqual([]);
    });
  });

  it('limits what one caller may cost, with defaults and a burst no smaller than the complexity limit', () => {
    const defaults = loadConfig({ env: { DATA_DIR: tmp() }, secretsDir: NO_SECRETS });
    expect(defaults.limits).toEqual({
      maxDocumentBytes: 65536,
      anonymousCostPerSecond: 1000,
      anonymousCostBurst: 10000,
      subscriptionsPerSocket: 50,
      socketsPerAddress: 200,
    });
    const off = loadConfig({
      env: {
        DATA_DIR: tmp(),
        ANONYMOUS_COST_PER_SECOND: '0',
        MAX_SOCKETS_PER_ADDRESS: '0',
        MAX_DOCUMENT_BYTES: '8192',
      },
      secretsDir: NO_SECRETS,
    });
    expect(off.limits).toMatchObject({ anonymousCostPerSecond: 0, socketsPerAddress: 0, maxDocumentBytes: 8192 });
    const list = problems({ DATA_DIR: tmp(), ANONYMOUS_COST_BURST: '100', MAX_SUBSCRIPTIONS_PER_SOCKET: '0' });
    expect(list.map((p) => p.split(':')[0])).toEqual(['MAX_SUBSCRIPTIONS_PER_SOCKET']);
    expect(problems({ DATA_DIR: tmp(), ANONYMOUS_COST_BURST: '100' })).toEqual([
      'ANONYMOUS_COST_BURST: must be at least 5000 (the complexity limit), or no anonymous operation of that size could ever run',
    ]);
  });
});
