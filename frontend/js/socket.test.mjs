// Unit tests of the WebSocket client against a fake socket: handshake, ordered folding, gaps,
// heartbeats, commands (ack, error, resent after a reconnection), own events not announced, 1008.
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { mock, test } from 'node:test';

import { connectBoard } from './socket.js';

class FakeSocket {
  /** @type {FakeSocket[]} */
  static all = [];
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    /** @type {any[]} */
    this.sent = [];
    this.closedByClient = false;
    FakeSocket.all.push(this);
  }
  /** @param {string} data */
  send(data) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // --- the server's side
  accept() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** @param {any} msg */
  push(msg) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  /** @param {number} code */
  drop(code) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const state = () => ({
  board: { code: 'ABCDEF', title: 'T', language: 'fr', phase: 'divergence', phases: [], locked: false, question: '', vote_budget: 3, votes_revealed: false },
  timer: { status: 'stopped', duration: 60, ends_at_ms: null, remaining_ms: 60000 },
  participants: { p_a: { id: 'p_a', name: 'Alice', role: 'participant', organisation: null } },
  notes: {},
  votes: {},
  my_votes: {},
});
const welcome = (seq, extra = {}) => ({ type: 'welcome', protocol: 1, seq, server_time_ms: Date.now() + 5000, you: { id: 'p_a', role: 'participant', view: 'board' }, ...extra });
const added = (seq, id, author = 'p_b') => ({
  type: 'event', seq, name: 'note.added',
  data: { note: { id, text: id, color: 'yellow', x: 0, y: 0, author, for: null, phase: 'divergence', created_ms: seq } },
});

function setup() {
  FakeSocket.all = [];
  /** @type {any} */
  const seen = { states: [], remote: [], statuses: [], fatal: null, errors: [] };
  const client = connectBoard({
    code: 'ABCDEF',
    token: 'secret-token',
    url: 'ws://test/ws/ABCDEF',
    WebSocketImpl: FakeSocket,
    lang: () => 'fr',
    onState: (s, you, seq) => seen.states.push({ s, you, seq }),
    onRemoteEvent: (msg) => seen.remote.push(msg.seq),
    onStatus: (st) => seen.statuses.push(st),
    onFatal: (e) => {
      seen.fatal = e;
    },
    onError: (e) => seen.errors.push(e),
  });
  return { client, seen, socket: () => FakeSocket.all[FakeSocket.all.length - 1] };
}

test('hello carries the token (never the URL), welcome gives state, events fold in order', () => {
  const { client, seen, socket } = setup();
  const ws = socket();
  assert.equal(ws.url, 'ws://test/ws/ABCDEF');
  ws.accept();
  assert.deepEqual(ws.sent[0], { type: 'hello', protocol: 1, token: 'secret-token', last_seq: null, lang: 'fr', view: 'board' });
  ws.push(welcome(3, { state: state() }));
  assert.equal(client.status, 'connected');
  assert.ok(Math.abs(client.offsetMs - 5000) < 1000);
  ws.push(added(4, 'n_1'));
  ws.push(added(4, 'n_1')); // duplicate: ignored
  assert.equal(client.seq, 4);
  assert.deepEqual(Object.keys(client.state.notes), ['n_1']);
  assert.deepEqual(seen.remote, [4]);
  client.close();
});

test('a gap makes the client resume from its last seq', () => {
  const { client, socket } = setup();
  const first = socket();
  first.accept();
  first.push(welcome(3, { state: state() }));
  first.push(added(5, 'n_2')); // 4 is missing
  assert.ok(first.closedByClient);
  const second = socket();
  assert.notEqual(second, first);
  second.accept();
  assert.equal(second.sent[0].last_seq, 3);
  second.push(welcome(5, { replay: [added(4, 'n_1'), added(5, 'n_2')] }));
  assert.deepEqual(Object.keys(client.state.notes).sort(), ['n_1', 'n_2']);
  assert.equal(client.seq, 5);
  client.close();
});

test('a heartbeat ahead of us triggers a resume after a short grace', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    const { client, socket } = setup();
    const ws = socket();
    ws.accept();
    ws.push(welcome(3, { state: state() }));
    ws.push({ type: 'heartbeat', seq: 3 });
    mock.timers.tick(5000);
    assert.equal(FakeSocket.all.length, 1, 'up to date: nothing to do');
    ws.push({ type: 'heartbeat', seq: 4 });
    mock.timers.tick(5000);
    assert.equal(FakeSocket.all.length, 2);
    socket().accept();
    assert.equal(socket().sent[0].last_seq, 3);
    client.close();
  } finally {
    mock.timers.reset();
  }
});

test('commands resolve on ack, reject on error, and are resent with the same cid after a drop', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    const { client, socket, seen } = setup();
    const ws = socket();
    ws.accept();
    ws.push(welcome(3, { state: state() }));
    const ok = client.send('note.add', { text: 'Un bus' });
    const cmd = ws.sent[1];
    assert.equal(cmd.type, 'cmd');
    assert.match(cmd.cid, /^[A-Za-z0-9_.:-]{1,64}$/);
    // Our own event, then its ack: it is not announced.
    ws.push(added(4, 'n_1', 'p_a'));
    ws.push({ type: 'ack', cid: cmd.cid, seq: 4 });
    assert.deepEqual(await ok, { type: 'ack', cid: cmd.cid, seq: 4 });
    mock.timers.tick(3000);
    assert.deepEqual(seen.remote, []);

    const refused = client.send('vote.add', { note_id: 'n_1' });
    const vote = ws.sent[2];
    ws.push({ type: 'error', cid: vote.cid, code: 'not_allowed_in_phase', field: null, message: 'Pas maintenant.' });
    await assert.rejects(refused, (e) => e.code === 'not_allowed_in_phase' && e.serverMessage === 'Pas maintenant.');

    const pending = client.send('note.move', { id: 'n_1', x: 20, y: 40 });
    const move = ws.sent[3];
    ws.drop(1006);
    assert.equal(client.status, 'reconnecting');
    mock.timers.tick(11_000);
    const again = socket();
    assert.notEqual(again, ws);
    again.accept();
    assert.equal(again.sent.length, 1, 'nothing but the hello before the welcome');
    again.push(welcome(4, { replay: [] }));
    assert.deepEqual(again.sent[1], move, 'resent as it was, same cid');
    again.push({ type: 'ack', cid: move.cid, seq: 5 });
    assert.equal((await pending).seq, 5);
    client.close();
  } finally {
    mock.timers.reset();
  }
});

test('1008 after an unauthorized error: fatal, no reconnection', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    const { client, socket, seen } = setup();
    const ws = socket();
    ws.accept();
    ws.push({ type: 'error', cid: null, code: 'unauthorized', field: null, message: 'Non.' });
    ws.drop(1008);
    mock.timers.tick(60_000);
    assert.equal(FakeSocket.all.length, 1);
    assert.equal(seen.fatal.code, 'unauthorized');
    assert.equal(client.status, 'offline');
  } finally {
    mock.timers.reset();
  }
});

test('a new role makes the client take a fresh state', () => {
  const { client, socket } = setup();
  const ws = socket();
  ws.accept();
  ws.push(welcome(3, { state: state() }));
  ws.push({ type: 'event', seq: 4, name: 'participant.role_changed', data: { id: 'p_a', role: 'co_facilitator' } });
  assert.equal(client.you.role, 'co_facilitator');
  const fresh = socket();
  assert.notEqual(fresh, ws);
  fresh.accept();
  assert.equal(fresh.sent[0].last_seq, null);
  client.close();
});

test('an unknown event is not guessed at: the client takes a fresh state', () => {
  const { client, socket } = setup();
  const ws = socket();
  ws.accept();
  ws.push(welcome(3, { state: state() }));
  const quiet = console.error;
  console.error = () => {};
  try {
    ws.push({ type: 'event', seq: 4, name: 'something.new', data: {} });
  } finally {
    console.error = quiet;
  }
  const fresh = socket();
  fresh.accept();
  assert.equal(fresh.sent[0].last_seq, null);
  client.close();
});

test('a rate-limited command is tried again with the same cid before the user is told', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    const { client, socket } = setup();
    const ws = socket();
    ws.accept();
    ws.push(welcome(3, { state: state() }));
    const result = client.send('note.add', { text: 'x' });
    const cmd = ws.sent[1];
    ws.push({ type: 'error', cid: cmd.cid, code: 'rate_limited', field: null, message: 'Doucement.' });
    mock.timers.tick(1_000);
    assert.deepEqual(ws.sent[2], cmd);
    for (const wait of [2_000, 4_000]) {
      ws.push({ type: 'error', cid: cmd.cid, code: 'rate_limited', field: null, message: 'Doucement.' });
      mock.timers.tick(wait);
    }
    assert.equal(ws.sent.length, 5, "hello, the command, three tries");
    ws.push({ type: 'error', cid: cmd.cid, code: 'rate_limited', field: null, message: 'Doucement.' });
    await assert.rejects(result, (e) => e.code === 'rate_limited');
    client.close();
  } finally {
    mock.timers.reset();
  }
});

test('a short network drop that never closed the socket ends with "connected", not "offline"', () => {
  /** @type {Record<string, () => void>} */
  const handlers = {};
  const saved = { add: globalThis.addEventListener, remove: globalThis.removeEventListener, nav: Object.getOwnPropertyDescriptor(globalThis, 'navigator') };
  const nav = { onLine: true };
  Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true, writable: true });
  globalThis.addEventListener = /** @type {any} */ ((/** @type {string} */ type, /** @type {() => void} */ fn) => {
    handlers[type] = fn;
  });
  globalThis.removeEventListener = /** @type {any} */ (() => {});
  try {
    const { client, socket } = setup();
    const ws = socket();
    ws.accept();
    ws.push(welcome(3, { state: state() }));
    assert.equal(client.status, 'connected');
    nav.onLine = false;
    handlers.offline();
    assert.equal(client.status, 'offline');
    ws.push(added(4, 'n_1')); // still offline as far as the browser says: the badge does not flicker
    assert.equal(client.status, 'offline');
    nav.onLine = true;
    handlers.online();
    assert.equal(FakeSocket.all.length, 1, 'the socket that never closed is kept');
    assert.equal(ws.sent.at(-1).type, 'ping', 'asked whether it is alive');
    ws.push({ type: 'pong', seq: 4 });
    assert.equal(client.status, 'connected');
    client.close();
  } finally {
    globalThis.addEventListener = saved.add;
    globalThis.removeEventListener = saved.remove;
    if (saved.nav) Object.defineProperty(globalThis, 'navigator', saved.nav);
    else delete (/** @type {any} */ (globalThis)).navigator;
  }
});
