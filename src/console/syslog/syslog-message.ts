/**
 * RFC 5424 syslog messages, as bytes:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP BOM MSG]
 *
 * PRI = facility × 8 + severity (§6.2.1). Header fields are printable
 * US-ASCII of bounded length or "-" (§6.2); anything else in them is
 * replaced by "_" rather than producing a frame receivers reject. SD-PARAM
 * values escape '"', '\' and ']' with a backslash (§6.3.3); SD names must be
 * 1-32 printable ASCII characters other than '=', ' ', ']' and '"' (§6.3.2).
 * MSG is UTF-8 and so starts with a BOM (§6.4). A message longer than
 * maxBytes is cut inside MSG on a character boundary (§6.1 lets receivers
 * drop what is longer than they accept; cutting it ourselves keeps the
 * header and structured data).
 */

export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11, ntp: 12,
  audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

export const SYSLOG_SEVERITIES = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;
export type SyslogSeverity = keyof typeof SYSLOG_SEVERITIES;

/** SD-ID → PARAM-NAME → value. SD-IDs without '@' are reserved for IANA (timeQuality, origin, meta). */
export type StructuredData = Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;

export interface SyslogFields {
  readonly facility: SyslogFacility;
  readonly severity: SyslogSeverity;
  readonly timestamp: Date;
  readonly hostname?: string;
  readonly appName?: string;
  readonly procId?: string;
  readonly msgId?: string;
  readonly structuredData?: StructuredData;
  readonly message?: string;
}

export const SYSLOG_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Header field: printable US-ASCII (33-126), at most `max` characters, "-" when empty (the NILVALUE). */
function headerField(value: string | undefined, max: number): string {
  if (value === undefined || value === '') return '-';
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

const SD_NAME = /^[\x21-\x7e]{1,32}$/;

function sdName(name: string, what: string): string {
  if (!SD_NAME.test(name) || /[= \]"]/.test(name)) {
    throw new RangeError(`syslog ${what} "${name}" must be 1-32 printable ASCII characters other than '=', ' ', ']' and '"'`);
  }
  return name;
}

/** §6.3.3: '"', '\' and ']' are escaped; everything else goes as UTF-8. */
export function escapeSdParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

function structuredData(sd: StructuredData | undefined): string {
  const elements = Object.entries(sd ?? {});
  if (elements.length === 0) return '-';
  return elements
    .map(([id, params]) => `[${sdName(id, 'SD-ID')}${Object.entries(params).map(([name, v]) => ` ${sdName(name, 'PARAM-NAME')}="${escapeSdParamValue(String(v))}"`).join('')}]`)
    .join('');
}

/** Longest prefix of `text` in at most `bytes` UTF-8 bytes that does not split a character. */
function utf8Prefix(text: Buffer, bytes: number): Buffer {
  if (text.length <= bytes) return text;
  let end = Math.max(0, bytes);
  // Back off continuation bytes (10xxxxxx) so the cut falls before a character's first byte.
  while (end > 0 && ((text[end] as number) & 0xc0) === 0x80) end -= 1;
  return text.subarray(0, end);
}

export function formatSyslogMessage(fields: SyslogFields, maxBytes: number): Buffer {
  const pri = SYSLOG_FACILITIES[fields.facility] * 8 + SYSLOG_SEVERITIES[fields.severity];
  const header = [
    `<${pri}>1`,
    fields.timestamp.toISOString(),
    headerField(fields.hostname, 255),
    headerField(fields.appName, 48),
    headerField(fields.procId, 128),
    headerField(fields.msgId, 32),
    structuredData(fields.structuredData),
  ].join(' ');
  const head = Buffer.from(header, 'utf8');
  if (head.length > maxBytes) throw new RangeError(`syslog header and structured data take ${head.length} bytes, more than the ${maxBytes} allowed`);
  if (fields.message === undefined || fields.message === '') return head;
  const room = maxBytes - head.length - 1 - SYSLOG_BOM.length;
  if (room <= 0) return head;
  return Buffer.concat([head, Buffer.from(' '), SYSLOG_BOM, utf8Prefix(Buffer.from(fields.message, 'utf8'), room)]);
}
