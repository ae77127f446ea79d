/*
 * opsctl drain preload: `node --require <this file>` (opsctl adds it to pm2's node_args; turn it off with
 * `drain: { enabled: false }` in the target). Plain CommonJS, no dependencies: it runs inside the user's app.
 *
 * On SIGINT (pm2's kill signal) or SIGTERM (docker stop's) every HTTP server of the process:
 *  - stops accepting new connections but keeps its idle keep-alive ones open: Node 20's server.close()
 *    closes idle sockets at once, racing a client that is sending a request on one of them;
 *  - answers every further HTTP/1 request with `Connection: close`, set before the app's handler runs (a
 *    header set after the app answered throws); HTTP/2 sessions get a GOAWAY;
 *  - after OPSCTL_DRAIN_GRACE_MS (default 5000) destroys the connections that are left.
 * When the app has no handler of its own for the signal, the process then ends as it would have without
 * this file (the signal again, default action), as soon as its servers have no connection left. When the
 * app handles the signal itself, the app decides when to exit: this file only drains.
 */
'use strict';

const STATE = Symbol.for('opsctl.drain');

if (!globalThis[STATE]) globalThis[STATE] = install(process.env.OPSCTL_DRAIN_GRACE_MS);
module.exports = globalThis[STATE];

function install(graceText) {
  const net = require('node:net');
  const http = require('node:http');
  const https = require('node:https');
  const http2 = require('node:http2');
  const grace = Number(graceText) > 0 ? Number(graceText) : 5000;
  // The classes http2 servers are made from are not exported: one unstarted server of each names them.
  const h2Classes = [http2.createServer(), http2.createSecureServer()].map((s) => s.constructor);
  const isHttp = (server) => server instanceof http.Server || server instanceof https.Server || h2Classes.some((C) => server instanceof C);
  const entries = new Map();
  const state = { grace, draining: false, signal: undefined, appHandles: false, graceOver: false, finished: false, entries };

  // listen() rather than createServer(): it also catches `new http.Server()`, ESM named imports and frameworks.
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function opsctlListen(...args) {
    if (isHttp(this) && !entries.has(this)) track(this);
    return listen.apply(this, args);
  };

  function track(server) {
    const entry = { server, sockets: new Set(), sessions: new Set(), responses: new Set(), stopped: false, closed: false };
    entries.set(server, entry);
    const keep = (set, item) => (set.add(item), item.once('close', () => (set.delete(item), finishIfDone())));
    server.prependListener('connection', (socket) => keep(entry.sockets, socket));
    server.prependListener('session', (session) => (keep(entry.sessions, session), state.draining && session.close()));
    // First of the 'request' listeners: the header is set before the app's handler can answer.
    server.prependListener('request', (req, res) => {
      if (state.draining) closeAfter(req, res);
      else keep(entry.responses, res).once('finish', () => entry.responses.delete(res));
    });
    // The app's own close() during a drain must not close idle keep-alive sockets either.
    const close = server.close;
    server.close = function opsctlClose(callback) {
      if (!state.draining) return close.call(this, callback);
      stopAccepting(entry, callback);
      return this;
    };
    server.once('close', () => ((entry.closed = true), finishIfDone()));
  }

  function closeAfter(req, res) {
    if (req.httpVersionMajor === 1 && !res.headersSent) res.setHeader('Connection', 'close');
  }

  function stopAccepting(entry, callback) {
    if (typeof callback === 'function') entry.server.once('close', () => callback());
    if (entry.stopped) return;
    entry.stopped = true;
    if (entry.server.listening) net.Server.prototype.close.call(entry.server);
    for (const session of entry.sessions) session.close();
    for (const res of entry.responses) closeAfter(res.req, res);
  }

  function onSignal(signal) {
    if (state.draining) return;
    state.draining = true;
    state.signal = signal;
    state.appHandles = process.listeners(signal).some((l) => l !== handlers[signal]);
    for (const entry of entries.values()) stopAccepting(entry);
    setTimeout(destroyLeft, grace).unref();
    finishIfDone();
  }

  function destroyLeft() {
    state.graceOver = true;
    for (const entry of entries.values()) {
      for (const session of entry.sessions) session.destroy();
      for (const socket of entry.sockets) socket.destroy();
    }
    finishIfDone();
  }

  const idle = (entry) => entry.closed || (!entry.server.listening && entry.sockets.size === 0 && entry.sessions.size === 0);

  // Ends the process the way the signal would have once nothing is left to serve; never when the app handles it.
  function finishIfDone() {
    if (!state.draining || state.appHandles || state.finished) return;
    if (!state.graceOver && ![...entries.values()].every(idle)) return;
    state.finished = true;
    for (const signal of Object.keys(handlers)) process.removeListener(signal, handlers[signal]);
    process.kill(process.pid, state.signal);
    // PID 1 (a container's init) ignores a signal it has no handler for: exit as the signal would have.
    setTimeout(() => process.exit(128 + require('node:os').constants.signals[state.signal]), 100);
  }

  const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };
  for (const signal of Object.keys(handlers)) process.on(signal, handlers[signal]);
  return state;
}
