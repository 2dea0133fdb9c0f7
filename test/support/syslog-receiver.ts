/**
 * Syslog receivers for tests: a UDP and a TCP listener on 127.0.0.1 that
 * parse every message strictly by the RFC 5424 ABNF (§6) — and, on TCP, the
 * RFC 6587 §3.4.1 octet-counting framing — written from the RFCs, not from
 * the sender under test. Anything malformed is recorded in `errors`.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ParsedSyslog {
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  readonly version: number;
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  /** SD elements in order; params in order. */
  readonly structuredData: { id: string; params: [string, string][] }[];
  /** MSG without its BOM; undefined when absent. */
  readonly message?: string;
  readonly bom: boolean;
  /** Size of the SYSLOG-MSG in bytes. */
  readonly bytes: number;
}

const SP = 0x20;
const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one SYSLOG-MSG; throws with the reason when it does not follow RFC 5424. */
export function parseSyslogMessage(buf: Buffer): ParsedSyslog {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not RFC 5424 at byte ${i}: ${why} in ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`);
  };
  const token = (name: string, max: number): string | null => {
    const start = i;
    while (i < buf.length && buf[i] !== SP) {
      const c = buf[i] as number;
      if (c < 33 || c > 126) fail(`${name} has a byte outside PRINTUSASCII`);
      i += 1;
    }
    const text = buf.toString('ascii', start, i);
    if (text.length === 0) fail(`empty ${name}`);
    if (text.length > max) fail(`${name} longer than ${max}`);
    return text === '-' ? null : text;
  };
  const space = (): void => {
    if (buf[i] !== SP) fail('expected SP');
    i += 1;
  };

  if (buf[i] !== 0x3c) fail('no "<" opening PRI');
  i += 1;
  const priStart = i;
  while (i < buf.length && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) i += 1;
  if (i - priStart < 1 || i - priStart > 3) fail('PRIVAL is not 1-3 digits');
  const pri = Number(buf.toString('ascii', priStart, i));
  if (pri > 191) fail('PRIVAL above 191');
  if (buf[i] !== 0x3e) fail('no ">" closing PRI');
  i += 1;
  const versionText = token('VERSION', 3);
  if (versionText === null || !/^[1-9]\d{0,2}$/.test(versionText)) fail('VERSION is not NONZERO-DIGIT 0*2DIGIT');
  space();
  const timestamp = token('TIMESTAMP', 64);
  if (timestamp !== null && !TIMESTAMP.test(timestamp)) fail(`TIMESTAMP ${timestamp} is not RFC 3339 as §6.2.3 restricts it`);
  space();
  const hostname = token('HOSTNAME', 255);
  space();
  const appName = token('APP-NAME', 48);
  space();
  const procId = token('PROCID', 128);
  space();
  const msgId = token('MSGID', 32);
  space();

  const structuredData: ParsedSyslog['structuredData'] = [];
  const sdName = (what: string): string => {
    const start = i;
    while (i < buf.length) {
      const c = buf[i] as number;
      if (c === 0x3d || c === SP || c === 0x5d || c === 0x22) break;
      if (c < 33 || c > 126) fail(`${what} has a byte outside PRINTUSASCII`);
      i += 1;
    }
    if (i - start < 1 || i - start > 32) fail(`${what} is not 1-32 characters`);
    return buf.toString('ascii', start, i);
  };
  if (buf[i] === 0x2d) {
    i += 1;
  } else {
    if (buf[i] !== 0x5b) fail('STRUCTURED-DATA is neither "-" nor an SD-ELEMENT');
    while (buf[i] === 0x5b) {
      i += 1;
      const id = sdName('SD-ID');
      const params: [string, string][] = [];
      while (buf[i] === SP) {
        i += 1;
        const name = sdName('PARAM-NAME');
        if (buf[i] !== 0x3d) fail('no "=" after PARAM-NAME');
        i += 1;
        if (buf[i] !== 0x22) fail('PARAM-VALUE does not start with \'"\'');
        i += 1;
        const bytes: number[] = [];
        while (true) {
          if (i >= buf.length) fail('PARAM-VALUE not closed');
          const c = buf[i] as number;
          if (c === 0x5c) {
            const next = buf[i + 1];
            // §6.3.3: \" \\ \] stand for the character; a backslash before anything else is itself.
            if (next === 0x22 || next === 0x5c || next === 0x5d) {
              bytes.push(next);
              i += 2;
            } else {
              bytes.push(c);
              i += 1;
            }
            continue;
          }
          if (c === 0x22) break;
          if (c === 0x5d) fail('unescaped "]" in PARAM-VALUE');
          bytes.push(c);
          i += 1;
        }
        i += 1;
        let value = '';
        try {
          value = utf8.decode(Buffer.from(bytes));
        } catch {
          fail('PARAM-VALUE is not UTF-8');
        }
        params.push([name, value]);
      }
      if (buf[i] !== 0x5d) fail('SD-ELEMENT not closed by "]"');
      i += 1;
      structuredData.push({ id, params });
    }
  }

  if (i === buf.length) {
    return { pri, facility: pri >> 3, severity: pri & 7, version: Number(versionText), timestamp, hostname, appName, procId, msgId, structuredData, bom: false, bytes: buf.length };
  }
  space();
  let msg = buf.subarray(i);
  const bom = msg[0] === 0xef && msg[1] === 0xbb && msg[2] === 0xbf;
  let message: string;
  if (bom) {
    msg = msg.subarray(3);
    try {
      message = utf8.decode(msg);
    } catch {
      return fail('MSG after a BOM is not UTF-8');
    }
  } else {
    // MSG-ANY: no promise about the encoding; UTF-8 is what senders without a BOM (util-linux logger) use in practice.
    message = msg.toString('utf8');
  }
  return { pri, facility: pri >> 3, severity: pri & 7, version: Number(versionText), timestamp, hostname, appName, procId, msgId, structuredData, message, bom, bytes: buf.length };
}

export interface SyslogReceiver {
  readonly port: number;
  readonly messages: ParsedSyslog[];
  /** Frames or datagrams that did not parse, with the reason. */
  readonly errors: string[];
  /** Resolves once `count` messages arrived (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedSyslog[]>;
  close(): Promise<void>;
}

function collector(): Pick<SyslogReceiver, 'messages' | 'errors' | 'waitFor'> & { take(buf: Buffer): void } {
  const messages: ParsedSyslog[] = [];
  const errors: string[] = [];
  return {
    messages,
    errors,
    take(buf) {
      try {
        messages.push(parseSyslogMessage(buf));
      } catch (error) {
        errors.push((error as Error).message);
      }
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`syslog receiver: ${messages.length} of ${count} messages after ${timeoutMs} ms; errors: ${errors.join('; ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
  };
}

export async function startUdpSyslogReceiver(): Promise<SyslogReceiver> {
  const socket = createSocket('udp4');
  const c = collector();
  socket.on('message', (msg) => c.take(msg));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: (socket.address() as AddressInfo).port, ...c, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

export interface TcpSyslogReceiver extends SyslogReceiver {
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Drops every open connection (a receiver restart, as far as the sender can tell). */
  dropConnections(): void;
}

export async function startTcpSyslogReceiver(): Promise<TcpSyslogReceiver> {
  const c = collector();
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 6587 §3.4.1: SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG; MSG-LEN = NONZERO-DIGIT *DIGIT.
      while (pending.length > 0) {
        const sp = pending.indexOf(SP);
        if (sp < 0) {
          if (pending.length > 10) {
            c.errors.push(`octet-counting: no SP after ${pending.length} bytes`);
            socket.destroy();
          }
          return;
        }
        const lenText = pending.toString('latin1', 0, sp);
        if (!/^[1-9]\d{0,9}$/.test(lenText)) {
          c.errors.push(`octet-counting: MSG-LEN ${JSON.stringify(lenText)} is not NONZERO-DIGIT *DIGIT`);
          socket.destroy();
          return;
        }
        const len = Number(lenText);
        if (pending.length < sp + 1 + len) return;
        c.take(pending.subarray(sp + 1, sp + 1 + len));
        pending = pending.subarray(sp + 1 + len);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    ...c,
    connections: () => accepted,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
