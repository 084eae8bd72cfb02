// Cross-origin calls from the listed origins only (CORS_ORIGINS), preflight included.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';

const server = await useTestServer({ worker: false, env: { CORS_ORIGINS: 'https://tablet.example.com' } });
const preflight = (origin: string) =>
  fetch(`${server.url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });

describe('CORS', () => {
  it('answers a listed origin’s preflight with its origin, the headers it may send and Vary', async () => {
    const res = await preflight('https://tablet.example.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://tablet.example.com');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('vary')).toContain('Origin');
    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://tablet.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ shows { id } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('https://tablet.example.com');
  });

  it('gives any other origin no CORS headers, so its browser refuses the answer', async () => {
    const res = await preflight('https://evil.example.net');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example.net', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ shows { id } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });
});
