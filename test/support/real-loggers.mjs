// Log files written by the real loggers (pino, pino-http, winston, bunyan, log4js), seeded, with a fake
// clock for Date only: shared by test/real/logs-loggers.test.ts and bench/logs.mjs. Plain JS so the
// bench runs it without a TypeScript step.
import { closeSync, openSync, writeSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

const require = createRequire(import.meta.url);
export const LOGGERS = ['pino', 'pino-http', 'winston', 'bunyan', 'log4js'];
export const T0 = Date.parse('2024-01-15T08:00:00.000Z');
const STEP_MS = 37;

/** Deterministic numbers in [0, 1) (mulberry32). */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Date with a clock the generator moves: `new Date()` and Date.now() read it, everything else is Date's. */
function withFakeClock(run) {
  const RealDate = globalThis.Date;
  const clock = { now: T0 };
  class FakeDate extends RealDate {
    constructor(...args) {
      super(...(args.length === 0 ? [clock.now] : args));
    }
    static now() {
      return clock.now;
    }
  }
  globalThis.Date = FakeDate;
  const restore = () => (globalThis.Date = RealDate);
  try {
    const result = run(clock);
    return result instanceof Promise ? result.finally(restore) : (restore(), result);
  } catch (error) {
    restore();
    throw error;
  }
}

/** Collects written text and appends it to the file in big writes. */
function fileSink(file) {
  const fd = openSync(file, 'w');
  let pending = [];
  let size = 0;
  const flush = () => {
    if (pending.length > 0) writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    write(text) {
      pending.push(String(text));
      size += text.length;
      if (size > 1 << 20) flush();
      return true;
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

/** The level of record i: `errorRate` of them error or worse, the rest spread over the family's lower levels. */
function pickLevel(random, family, errorRate) {
  const r = random();
  if (r < errorRate) return r < errorRate / 10 ? family.top : family.error;
  return family.lower[Math.floor(random() * family.lower.length)];
}

const FAMILIES = {
  pino: { top: 'fatal', error: 'error', lower: ['trace', 'debug', 'info', 'info', 'info', 'warn'] },
  winston: { top: 'error', error: 'error', lower: ['silly', 'debug', 'verbose', 'http', 'info', 'info', 'warn'] },
  log4js: { top: 'fatal', error: 'error', lower: ['trace', 'debug', 'info', 'info', 'warn', 'mark'] },
};
FAMILIES.bunyan = FAMILIES.pino;
FAMILIES['pino-http'] = FAMILIES.pino;

/** An error as apps log them: a stack, sometimes own properties (util.inspect prints those over lines). */
function appError(i, random) {
  const error = new Error(`boom ${i}`);
  if (random() < 0.5) Object.assign(error, { code: 'E_DB', detail: { level: 'B2', time: 1732 } });
  return error;
}

/**
 * Writes `records` records of `logger` to `file`; `errorRate` of them error or worse. Metadata
 * carries nested "level" and "time" keys (winston's lesson.level, db.time) on purpose.
 */
export async function writeLoggerFile(logger, file, { records, errorRate = 0.05, seed = 15 }) {
  const random = seeded(seed);
  const sink = fileSink(file);
  const family = FAMILIES[logger];
  try {
    await withFakeClock(async (clock) => {
      const write = await WRITERS[logger](sink);
      for (let i = 0; i < records; i += 1) {
        clock.now = T0 + i * STEP_MS;
        const level = pickLevel(random, family, errorRate);
        const id = `req-${Math.floor(random() * 50)}`;
        write(i, level, id, random);
      }
      await write.end?.();
    });
  } finally {
    sink.close();
  }
}

const WRITERS = {
  async pino(sink) {
    const pino = require('pino');
    const log = pino({ level: 'trace', base: { pid: 4242, hostname: 'api-1' } }, sink);
    return (i, level, id, random) => {
      const meta = { reqId: id, lesson: { level: 'B2', time: 1700 + i } };
      if (level === 'error' || level === 'fatal') log[level]({ ...meta, err: appError(i, random) }, `request ${i} failed`);
      else log[level](meta, `request ${i} done`);
    };
  },
  async 'pino-http'(sink) {
    const pinoHttp = require('pino-http');
    const pino = require('pino');
    const logger = pino({ level: 'trace', base: { pid: 4242, hostname: 'api-1' } }, sink);
    const middleware = pinoHttp({ logger, genReqId: (req) => req.headers['x-id'], customLogLevel: (req, res, err) => (res.statusCode >= 500 || err ? 'error' : res.statusCode >= 400 ? 'warn' : 'info') });
    return (i, level, id) => {
      const req = new IncomingMessage(new Socket());
      Object.assign(req, { method: i % 5 ? 'GET' : 'POST', url: `/api/items/${i % 97}`, headers: { 'x-id': id, traceparent: `00-${id.padStart(32, '0').replace(/\D/g, 'a')}-00f067aa0ba902b7-01` } });
      const res = new ServerResponse(req);
      middleware(req, res);
      if (level === 'trace' || level === 'debug') req.log.debug({ step: 'auth' }, 'checked token');
      res.statusCode = level === 'error' || level === 'fatal' ? 500 : level === 'warn' ? 404 : 200;
      res.emit('finish');
    };
  },
  async winston(sink) {
    const winston = require('winston');
    const { combine, errors, timestamp, json } = winston.format;
    const stream = new Writable({ write: (chunk, _e, done) => (sink.write(chunk.toString()), done()) });
    const log = winston.createLogger({ level: 'silly', levels: winston.config.npm.levels, format: combine(errors({ stack: true }), timestamp(), json({ deterministic: true })), transports: [new winston.transports.Stream({ stream })] });
    const write = (i, level, id, random) => {
      const meta = { correlationId: id, lesson: { level: 'B2' }, db: { time: 1732 } };
      if (level === 'error') log.error(`request ${i} failed`, { ...meta, error: appError(i, random).message });
      else log.log(level, `request ${i} done`, meta);
    };
    write.end = () => new Promise((resolve) => {
      stream.on('finish', resolve);
      log.on('finish', () => stream.end());
      log.end();
    });
    return write;
  },
  async bunyan(sink) {
    const bunyan = require('bunyan');
    const log = bunyan.createLogger({ name: 'api', hostname: 'api-1', streams: [{ level: 'trace', stream: sink }] });
    return (i, level, id, random) => {
      if (level === 'error' || level === 'fatal') log[level]({ req_id: id, err: appError(i, random) }, `request ${i} failed`);
      else log[level]({ req_id: id, lesson: { level: 'B2' } }, `request ${i} done`);
    };
  },
  async log4js(sink) {
    const log4js = require('log4js');
    const memory = { configure: (_config, layouts) => (event) => sink.write(`${layouts.basicLayout(event)}\n`) };
    log4js.configure({ appenders: { mem: { type: memory } }, categories: { default: { appenders: ['mem'], level: 'all' } } });
    const log = log4js.getLogger('api');
    return (i, level, id, random) => {
      if (level === 'error' || level === 'fatal') log[level](`request ${i} failed [${id}]`, appError(i, random));
      else log[level](`request ${i} done [${id}]`);
    };
  },
};
