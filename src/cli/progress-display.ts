/**
 * Progress on stderr, only when stderr is a terminal: one line redrawn in
 * place (layers and bytes, then catalogers), cleared when the work is done.
 */
import type { ScanProgress } from '../scan/index.js';

export interface ProgressDisplay {
  readonly onProgress?: (event: ScanProgress) => void;
  done(): void;
}

export function createProgressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) return { done: () => undefined };
  let last = 0;
  let shown = false;
  const draw = (line: string, force = false): void => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    shown = true;
    stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 80) - 1)}`);
  };
  return {
    onProgress(event) {
      if (event.stage === 'layers') {
        const total = event.totalBytes ? ` of ${mib(event.totalBytes)}` : '';
        draw(`reading layer ${event.layer}/${event.layers}  ${mib(event.bytes)}${total}`);
      } else {
        draw(`cataloging ${event.index + 1}/${event.total}  ${event.cataloger}`, true);
      }
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
