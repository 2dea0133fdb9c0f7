/**
 * Sends RFC 5424 messages (syslog-message.ts) to a syslog receiver: over
 * UDP, one message per datagram (RFC 5426), or over TCP with octet-counting
 * framing, "MSG-LEN SP SYSLOG-MSG" (RFC 6587 §3.4.1), on one connection that
 * is opened on first use and re-opened after a failure. Used by syslog
 * alert targets and by audit-log forwarding. A send resolves once the bytes
 * are handed to the kernel and rejects (never hangs past timeoutMs) on a
 * refused connection, a reset or a timeout; retrying is the caller's call.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { formatSyslogMessage, type StructuredData, type SyslogFacility, type SyslogSeverity } from './syslog-message.js';

export interface SyslogSenderOptions {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
  /** APP-NAME (≤ 48 printable ASCII). */
  readonly appName: string;
  /** HOSTNAME; default the machine's name. */
  readonly hostname?: string;
  /** Default facility for messages that do not name one (default 'audit', 13). */
  readonly facility?: SyslogFacility;
  /**
   * Largest message in bytes (without TCP framing). Default 2048 on UDP (what
   * RFC 5424 §6.1 says every receiver should accept) and 8192 on TCP.
   */
  readonly maxMessageBytes?: number;
  /** Connect and write timeout (default 5000 ms). */
  readonly timeoutMs?: number;
}

export interface SyslogSendInput {
  readonly severity: SyslogSeverity;
  readonly facility?: SyslogFacility;
  readonly msgId?: string;
  readonly structuredData?: StructuredData;
  readonly message?: string;
  /** Default now. */
  readonly timestamp?: Date;
}

export interface SyslogSender {
  send(input: SyslogSendInput): Promise<void>;
  close(): Promise<void>;
}

/** Largest UDP payload over IPv4. */
const MAX_UDP_BYTES = 65_507;

export function createSyslogSender(options: SyslogSenderOptions): SyslogSender {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new RangeError(`syslog port ${options.port} is not 1-65535`);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = Math.min(options.maxMessageBytes ?? (options.protocol === 'udp' ? 2048 : 8192), options.protocol === 'udp' ? MAX_UDP_BYTES : 1024 * 1024);
  const hostname = options.hostname ?? osHostname();
  const procId = String(process.pid);

  const format = (input: SyslogSendInput): Buffer => formatSyslogMessage({
    facility: input.facility ?? options.facility ?? 'audit',
    severity: input.severity,
    timestamp: input.timestamp ?? new Date(),
    hostname,
    appName: options.appName,
    procId,
    ...(input.msgId !== undefined ? { msgId: input.msgId } : {}),
    ...(input.structuredData !== undefined ? { structuredData: input.structuredData } : {}),
    ...(input.message !== undefined ? { message: input.message } : {}),
  }, maxBytes);

  return options.protocol === 'udp' ? udpSender(options, timeoutMs, format) : tcpSender(options, timeoutMs, format);
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    work.then((v) => (clearTimeout(timer), resolve(v)), (e: unknown) => (clearTimeout(timer), reject(e)));
  });
}

function udpSender(options: SyslogSenderOptions, timeoutMs: number, format: (input: SyslogSendInput) => Buffer): SyslogSender {
  const where = `syslog udp://${options.host}:${options.port}`;
  const socket = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4');
  // A datagram's ICMP "port unreachable" surfaces as a socket error; it must not crash the process.
  socket.on('error', () => undefined);
  socket.unref();
  return {
    async send(input) {
      const bytes = format(input);
      const sent = new Promise<void>((resolve, reject) => {
        socket.send(bytes, options.port, options.host, (error) => (error ? reject(new Error(`${where}: ${error.message}`, { cause: error })) : resolve()));
      });
      return withTimeout(sent, timeoutMs, where, () => undefined);
    },
    close: () => new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    }),
  };
}

function tcpSender(options: SyslogSenderOptions, timeoutMs: number, format: (input: SyslogSendInput) => Buffer): SyslogSender {
  const where = `syslog tcp://${options.host}:${options.port}`;
  let socket: Socket | undefined;
  let connecting: Promise<Socket> | undefined;
  /** The socket being connected, so a timeout can abort it. */
  let pending: Socket | undefined;
  let closed = false;

  function open(): Promise<Socket> {
    if (socket && !socket.destroyed && socket.writable) return Promise.resolve(socket);
    connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: options.host, port: options.port });
      pending = s;
      s.setNoDelay(true);
      s.unref();
      const fail = (error: Error): void => {
        connecting = undefined;
        pending = undefined;
        s.destroy();
        reject(new Error(`${where}: ${error.message}`, { cause: error }));
      };
      s.once('error', fail);
      s.once('connect', () => {
        s.off('error', fail);
        connecting = undefined;
        pending = undefined;
        socket = s;
        // Later failures close the connection; the next send opens a new one.
        s.on('error', () => s.destroy());
        // A receiver that hangs up is gone: writing on would only fill a dead socket.
        s.on('end', () => s.destroy());
        s.on('close', () => {
          if (socket === s) socket = undefined;
        });
        // Receivers do not answer; whatever arrives is read and dropped so the buffers never fill.
        s.on('data', () => undefined);
        resolve(s);
      });
    });
    return connecting;
  }

  // Writes go one after another so frames are never interleaved and arrive in send order.
  let tail: Promise<unknown> = Promise.resolve();

  return {
    async send(input) {
      if (closed) throw new Error(`${where}: sender closed`);
      const body = format(input);
      const frame = Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
      const run = tail.then(async () => {
        let current: Socket | undefined;
        const attempt = (async () => {
          current = await open();
          const s = current;
          await new Promise<void>((resolve, reject) => {
            const onClose = (): void => reject(new Error(`${where}: connection closed`));
            s.once('close', onClose);
            s.write(frame, (error) => {
              s.off('close', onClose);
              if (error) reject(new Error(`${where}: ${error.message}`, { cause: error }));
              else resolve();
            });
          });
        })();
        await withTimeout(attempt, timeoutMs, where, () => {
          pending?.destroy(new Error('timed out'));
          current?.destroy();
        });
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await tail;
      const s = socket;
      socket = undefined;
      if (!s || s.destroyed) return;
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.end();
        setTimeout(() => s.destroy(), 1000).unref();
      });
    },
  };
}
