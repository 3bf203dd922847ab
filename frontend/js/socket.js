/** WebSocket client: handshake and resume from the last seq, events folded strictly in order,
 * commands answered by ack/error, resent after a reconnection, and reconnection with backoff. */

import { applyEvent } from './store.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').You} You */
/** @typedef {import('./store.js').EventMessage} EventMessage */
/** @typedef {'connecting'|'connected'|'reconnecting'|'offline'} ConnectionStatus */

export const PROTOCOL_VERSION = 1;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
// A heartbeat may overtake events still in flight on the same socket: wait a moment before resuming.
const HEARTBEAT_GRACE_MS = 1_500;
// Events arriving while one of our commands is unacknowledged may be our own: hold their
// announcement until the ack tells which seq was ours.
const ANNOUNCE_HOLD_MS = 2_000;
const OWN_SEQS_KEPT = 1_000;
// Refusals that say "not now" rather than "no": the same command (same cid, so never applied twice)
// is tried again a few times before the user is told.
const RETRIED_CODES = new Set(['rate_limited', 'unavailable']);
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000];
const OPEN = 1;

/** An error answered by the server (or a local failure), with the protocol's stable code. */
export class CommandError extends Error {
  /**
   * @param {string} code
   * @param {string} [message] the server's message, already in the user's language
   * @param {string|null} [field]
   */
  constructor(code, message = '', field = null) {
    super(message || code);
    this.code = code;
    this.serverMessage = message;
    this.field = field;
  }
}

/**
 * A command id unique to this client. crypto.randomUUID exists only in secure contexts (HTTPS,
 * localhost); a board served over plain HTTP on an intranet still needs ids, so fall back to
 * getRandomValues, which is available everywhere.
 * @returns {string}
 */
export function newCid() {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // insecure context in some browsers: fall through
    }
  }
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return `c-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * @typedef {Object} ConnectOptions
 * @property {string} code board code
 * @property {string} token never put in a URL: it goes in the hello frame
 * @property {'board'|'projector'} [view]
 * @property {() => (string|undefined)} [lang] language for the server's error messages (none: the board's)
 * @property {(state: State, you: You, seq: number) => void} onState after every change
 * @property {(msg: EventMessage, before: State, after: State, you: You) => void} [onRemoteEvent] a live
 *   event not caused by this client's own commands (for announcements)
 * @property {(status: ConnectionStatus) => void} [onStatus]
 * @property {(online: Set<string>) => void} [onPresence]
 * @property {(error: CommandError) => void} [onError] errors not tied to one of our commands
 * @property {(error: CommandError) => void} [onFatal] the server refused us (1008): no reconnection
 * @property {(you: You, previous: You|null) => void} [onYou] first welcome and role changes
 * @property {string} [url] socket URL (default: this site's /ws/{code})
 * @property {any} [WebSocketImpl] for tests
 */

/**
 * Connect to a board and keep the connection alive.
 * @param {ConnectOptions} options
 */
export function connectBoard(options) {
  const { code, token, view = 'board', lang, onState, onRemoteEvent, onStatus, onPresence, onError, onFatal, onYou } = options;
  const WS = options.WebSocketImpl ?? globalThis.WebSocket;
  const url = options.url ?? defaultUrl(code);

  /** @type {WebSocket|null} */
  let ws = null;
  /** @type {ConnectionStatus} */
  let status = 'connecting';
  /** @type {State|null} */
  let state = null;
  /** @type {You|null} */
  let you = null;
  /** @type {number|null} */
  let lastSeq = null;
  let offsetMs = 0;
  let welcomed = false;
  let stopped = false;
  let attempt = 0;
  /** @type {CommandError|null} */
  let handshakeError = null;
  /** @type {ReturnType<typeof setTimeout>|null} */
  let reconnectTimer = null;
  /** @type {ReturnType<typeof setInterval>|null} */
  let pingTimer = null;
  /** @type {ReturnType<typeof setTimeout>|null} */
  let pongTimer = null;
  /** @type {ReturnType<typeof setTimeout>|null} */
  let heartbeatTimer = null;
  /** @type {ReturnType<typeof setTimeout>|null} */
  let holdTimer = null;
  /** @type {Map<string, {name: string, frame: string, tries: number, resolve: (ack: any) => void, reject: (e: CommandError) => void}>} */
  const pending = new Map();
  /** @type {Set<number>} */
  const ownSeqs = new Set();
  /** @type {{msg: EventMessage, before: State, after: State}[]} */
  let held = [];

  /** @param {ConnectionStatus} next */
  function setStatus(next) {
    if (status === next) return;
    status = next;
    onStatus?.(next);
  }

  function open() {
    clearTimeout(reconnectTimer ?? undefined);
    reconnectTimer = null;
    if (stopped) return;
    if (globalThis.navigator?.onLine === false) {
      setStatus('offline'); // the 'online' listener reconnects
      return;
    }
    welcomed = false;
    handshakeError = null;
    const sock = new WS(url);
    ws = sock;
    sock.onopen = () => {
      if (sock !== ws) return;
      sock.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token, last_seq: lastSeq, lang: lang?.(), view }));
    };
    sock.onmessage = (/** @type {MessageEvent} */ ev) => {
      if (sock === ws) receive(ev.data);
    };
    sock.onclose = (/** @type {CloseEvent} */ ev) => {
      if (sock === ws) closed(ev.code);
    };
    sock.onerror = () => {
      // a close event always follows; it decides what to do
    };
  }

  /**
   * Drop the current socket (its late events are ignored) and open a new one at once.
   * @param {boolean} [quiet] a deliberate resume (gap, new role): not shown as a lost connection
   */
  function reconnectNow(quiet = false) {
    const old = ws;
    ws = null;
    welcomed = false;
    stopTimers();
    if (old) {
      try {
        old.close(1000);
      } catch {
        // already closing
      }
    }
    if (stopped) return;
    if (!quiet) setStatus('reconnecting');
    open();
  }

  /** Forget what we hold and ask for a fresh state. */
  function resync() {
    lastSeq = null;
    reconnectNow(true);
  }

  function scheduleReconnect() {
    if (stopped) return;
    setStatus(globalThis.navigator?.onLine === false ? 'offline' : 'reconnecting');
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
    attempt += 1;
    // Full jitter on the upper half: a restarted server is not hit by every client at once.
    const delay = base / 2 + Math.random() * (base / 2);
    reconnectTimer = setTimeout(open, delay);
  }

  /** @param {number} closeCode */
  function closed(closeCode) {
    ws = null;
    welcomed = false;
    stopTimers();
    if (stopped) return;
    if (closeCode === 1008 || closeCode === 4004) {
      // 4004: the board was erased; reconnecting would only be refused.
      stopped = true;
      setStatus('offline');
      const error = handshakeError ?? new CommandError(closeCode === 4004 ? 'not_found' : 'unauthorized');
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
      onFatal?.(error);
      return;
    }
    if (closeCode === 4002) {
      // This credential opened a newer socket elsewhere (another tab, another device) and this one
      // was its oldest: reconnecting would close that newer one in turn, in a loop. Stop and say so.
      stopped = true;
      setStatus('offline');
      const error = new CommandError('replaced');
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
      onFatal?.(error);
      return;
    }
    if (closeCode === 4001) {
      // Our role changed: what we may see changed with it, so take a fresh state at once.
      lastSeq = null;
      open();
      return;
    }
    // 1006 (network), 1012 (restart), 1013 (fell behind), anything else: resume from lastSeq.
    scheduleReconnect();
  }

  function stopTimers() {
    clearInterval(pingTimer ?? undefined);
    clearTimeout(pongTimer ?? undefined);
    clearTimeout(heartbeatTimer ?? undefined);
    pingTimer = pongTimer = heartbeatTimer = null;
  }

  /** @param {string} raw */
  function receive(raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    // Any frame proves the connection alive (after a short network drop the socket never closed,
    // the badge must not stay "offline" while events flow).
    clearTimeout(pongTimer ?? undefined);
    pongTimer = null;
    if (welcomed && status === 'offline' && globalThis.navigator?.onLine !== false) setStatus('connected');
    switch (msg?.type) {
      case 'welcome':
        welcome(msg);
        break;
      case 'event':
        if (welcomed) live(msg);
        break;
      case 'ack':
        acked(msg);
        break;
      case 'error':
        failed(msg);
        break;
      case 'presence':
        onPresence?.(new Set(Array.isArray(msg.online) ? msg.online : []));
        break;
      case 'heartbeat':
      case 'pong':
        headSeq(msg.seq);
        break;
      default:
        break; // the protocol may add volatile messages: ignore what we do not know
    }
  }

  /** @param {any} msg */
  function welcome(msg) {
    if (msg.protocol !== PROTOCOL_VERSION) {
      handshakeError = new CommandError('bad_request');
      stopped = true;
      ws?.close(1000);
      setStatus('offline');
      onFatal?.(handshakeError);
      return;
    }
    offsetMs = msg.server_time_ms - Date.now();
    const previous = you;
    /** @type {You} */
    const me = { ...msg.you, view };
    you = me;
    if (msg.state) {
      state = msg.state;
      lastSeq = msg.seq;
    } else if (Array.isArray(msg.replay) && state) {
      for (const event of msg.replay) {
        if (!fold(event, false)) return;
      }
      if (lastSeq !== msg.seq) {
        resync();
        return;
      }
    } else {
      resync();
      return;
    }
    welcomed = true;
    attempt = 0;
    setStatus('connected');
    if (!previous || previous.role !== me.role || previous.id !== me.id) onYou?.(me, previous);
    onState(/** @type {State} */ (state), me, /** @type {number} */ (lastSeq));
    for (const entry of pending.values()) ws?.send(entry.frame);
    pingTimer = setInterval(ping, PING_EVERY_MS);
  }

  /** @param {EventMessage} msg */
  function live(msg) {
    const roleBefore = you?.role;
    if (!fold(msg, true)) return;
    onState(/** @type {State} */ (state), /** @type {You} */ (you), /** @type {number} */ (lastSeq));
    // A new role changes what this viewer may see (tallies): take the state as the server sees it for us now.
    if (you && you.role !== roleBefore) resync();
  }

  /**
   * Apply one event in seq order. Returns false when it started a resume instead.
   * @param {EventMessage} msg
   * @param {boolean} announce
   */
  function fold(msg, announce) {
    if (!state || !you || lastSeq === null) return false;
    if (msg.seq <= lastSeq) return true; // already applied
    if (msg.seq > lastSeq + 1) {
      reconnectNow(true); // a gap: resume from lastSeq
      return false;
    }
    const before = state;
    try {
      state = applyEvent(state, you, msg);
    } catch (error) {
      // An event this client does not know (a newer server): the server's fresh state is always right.
      console.error(error);
      resync();
      return false;
    }
    lastSeq = msg.seq;
    if (msg.name === 'participant.role_changed' && msg.data?.id === you.id && msg.data.role !== you.role) {
      const previous = you;
      you = { ...you, role: msg.data.role };
      onYou?.(you, previous);
    }
    if (announce) hold(msg, before, state);
    return true;
  }

  /** @param {any} msg */
  function acked(msg) {
    const entry = pending.get(msg.cid);
    if (!entry) return;
    pending.delete(msg.cid);
    if (typeof msg.seq === 'number') {
      ownSeqs.add(msg.seq);
      const oldest = ownSeqs.values().next().value;
      if (ownSeqs.size > OWN_SEQS_KEPT && oldest !== undefined) ownSeqs.delete(oldest);
    }
    entry.resolve(msg);
    if (pending.size === 0) flushHeld();
  }

  /** @param {any} msg */
  function failed(msg) {
    const error = new CommandError(msg.code || 'bad_request', msg.message || '', msg.field ?? null);
    const entry = msg.cid ? pending.get(msg.cid) : undefined;
    if (entry && RETRIED_CODES.has(error.code) && entry.tries < RETRY_DELAYS_MS.length) {
      const delay = RETRY_DELAYS_MS[entry.tries];
      entry.tries += 1;
      setTimeout(() => {
        if (pending.get(msg.cid) === entry && welcomed && ws && ws.readyState === OPEN) ws.send(entry.frame);
      }, delay);
      return;
    }
    if (entry) {
      pending.delete(msg.cid);
      entry.reject(error);
      if (pending.size === 0) flushHeld();
      return;
    }
    if (!welcomed) {
      handshakeError = error; // the close (1008) that follows reports it
      return;
    }
    onError?.(error);
  }

  /** @param {unknown} seq */
  function headSeq(seq) {
    if (!welcomed || typeof seq !== 'number' || lastSeq === null || seq <= lastSeq || heartbeatTimer) return;
    heartbeatTimer = setTimeout(() => {
      heartbeatTimer = null;
      if (welcomed && lastSeq !== null && seq > lastSeq) reconnectNow(true);
    }, HEARTBEAT_GRACE_MS);
  }

  function ping() {
    if (!ws || ws.readyState !== OPEN) return;
    ws.send(JSON.stringify({ type: 'ping' }));
    clearTimeout(pongTimer ?? undefined);
    // No answer at all: the connection is dead without having been closed (Wi-Fi change, sleep).
    pongTimer = setTimeout(() => reconnectNow(), PONG_TIMEOUT_MS);
  }

  /**
   * @param {EventMessage} msg
   * @param {State} before
   * @param {State} after
   */
  function hold(msg, before, after) {
    if (!onRemoteEvent) return;
    if (pending.size === 0 && held.length === 0) {
      deliver(msg, before, after);
      return;
    }
    held.push({ msg, before, after });
    if (!holdTimer) holdTimer = setTimeout(flushHeld, ANNOUNCE_HOLD_MS);
  }

  function flushHeld() {
    clearTimeout(holdTimer ?? undefined);
    holdTimer = null;
    const items = held;
    held = [];
    for (const item of items) deliver(item.msg, item.before, item.after);
  }

  /**
   * @param {EventMessage} msg
   * @param {State} before
   * @param {State} after
   */
  function deliver(msg, before, after) {
    if (ownSeqs.has(msg.seq) || !you) return;
    onRemoteEvent?.(msg, before, after, you);
  }

  function wentOnline() {
    if (stopped) return;
    attempt = 0;
    if (welcomed && ws && ws.readyState === OPEN) {
      // The network came back before the socket noticed it was gone: it may well be alive (events
      // kept arriving). Ask it now: its pong shows us connected again, its silence reconnects.
      ping();
      return;
    }
    if (!ws) open();
  }

  function wentOffline() {
    if (!stopped) setStatus('offline');
  }

  globalThis.addEventListener?.('online', wentOnline);
  globalThis.addEventListener?.('offline', wentOffline);
  onStatus?.(status);
  open();

  return {
    /**
     * Send a command; resolves with the ack, rejects with a CommandError. Unacknowledged commands
     * are resent with the same cid after a reconnection (the server answers a known cid with its
     * first ack, so nothing happens twice).
     * @param {string} name
     * @param {Record<string, any>} [args]
     * @returns {Promise<{type: 'ack', cid: string, seq: number}>}
     */
    send(name, args = {}) {
      if (stopped) return Promise.reject(new CommandError('unavailable'));
      if (view === 'projector') return Promise.reject(new CommandError('forbidden'));
      const cid = newCid();
      const frame = JSON.stringify({ type: 'cmd', cid, name, args });
      return new Promise((resolve, reject) => {
        pending.set(cid, { name, frame, tries: 0, resolve, reject });
        if (welcomed && ws && ws.readyState === OPEN) ws.send(frame);
      });
    },
    /** Stop for good (page leaving, credential cleared). */
    close() {
      stopped = true;
      stopTimers();
      clearTimeout(reconnectTimer ?? undefined);
      clearTimeout(holdTimer ?? undefined);
      globalThis.removeEventListener?.('online', wentOnline);
      globalThis.removeEventListener?.('offline', wentOffline);
      const old = ws;
      ws = null;
      old?.close(1000);
      setStatus('offline');
    },
    /** Ask for a fresh state. */
    resync,
    /** Resume on a new connection, e.g. so that a new hello carries the new language of messages. */
    reconnect() {
      if (!stopped) reconnectNow(true);
    },
    get state() {
      return state;
    },
    get you() {
      return you;
    },
    get seq() {
      return lastSeq;
    },
    get status() {
      return status;
    },
    /** Server clock − local clock, in ms. */
    get offsetMs() {
      return offsetMs;
    },
  };
}

/** @param {string} code */
function defaultUrl(code) {
  const { protocol, host } = globalThis.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/ws/${encodeURIComponent(code)}`;
}
