// Unit tests of the access-link fragment: the secret is taken once and leaves the address.
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { takeLinkSecret } from './api.js';

function place(hash) {
  const calls = [];
  const loc = { hash, pathname: '/b/ABCDEF/projector', search: '' };
  const hist = { replaceState: (_data, _unused, url) => calls.push(url) };
  return { loc, hist, calls };
}

test('a link secret is taken from the fragment and the fragment removed', () => {
  const secret = 'q'.repeat(43);
  const { loc, hist, calls } = place(`#k=${secret}`);
  assert.equal(takeLinkSecret(loc, hist), secret);
  assert.deepEqual(calls, ['/b/ABCDEF/projector']);
});

test('an address without a link secret is left alone', () => {
  for (const hash of ['', '#', '#k=', '#k=short', '#x=' + 'q'.repeat(43), `#k=${'q'.repeat(43)}&x=1`]) {
    const { loc, hist, calls } = place(hash);
    assert.equal(takeLinkSecret(loc, hist), null, hash);
    assert.deepEqual(calls, []);
  }
});
