export declare const LOGGERS: readonly ['pino', 'pino-http', 'winston', 'bunyan', 'log4js'];
export type LoggerName = (typeof LOGGERS)[number];
export declare const T0: number;
/** Writes `records` records of `logger` to `file` with the real package; `errorRate` of them error or worse. */
export declare function writeLoggerFile(logger: LoggerName, file: string, options: { records: number; errorRate?: number; seed?: number }): Promise<void>;
