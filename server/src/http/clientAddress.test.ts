import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './json.ts';

const request = (forwarded?: string | string[]) => {
  const req = new IncomingMessage(new Socket());
  if (forwarded !== undefined) req.headers['x-forwarded-for'] = forwarded as string;
  return req;
};

describe('who a request comes from, for limits per address', () => {
  it('believes X-Forwarded-For only behind a proxy of the operator, and then its last entry', () => {
    // The peer of a socket never connected: "unknown", as for any request without an address.
    expect(clientAddress(request('203.0.113.9'), 0)).toBe('unknown');
    expect(clientAddress(request('198.51.100.1, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientAddress(request(['10.0.0.1', '203.0.113.7']), 1)).toBe('203.0.113.7');
    expect(clientAddress(request(), 1)).toBe('unknown');
    expect(clientAddress(request(' , '), 1)).toBe('unknown');
    expect(clientAddress(request('x'.repeat(500)), 1)).toHaveLength(64);
  });
});
