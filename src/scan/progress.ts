/** Progress events the scan pipeline emits; the CLI draws them on a TTY. */
export type ScanProgress =
  | { readonly stage: 'layers'; readonly layer: number; readonly layers: number; readonly bytes: number; readonly totalBytes?: number }
  | { readonly stage: 'catalog'; readonly cataloger: string; readonly index: number; readonly total: number };

/** Wall time per pipeline stage, for `--debug`. */
export type StageTimer = (stage: string, milliseconds: number) => void;
