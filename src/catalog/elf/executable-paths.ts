/**
 * Which paths may hold a compiled program worth opening. `selects` sees only
 * the path, so "every ELF file" cannot be asked for; instead we keep files in
 * the directories where images put executables. The trade-off: a Go or Rust
 * binary stored elsewhere (say /srv/tool) is missed, while keeping everything
 * would buffer whole images. Catalogers check the ELF magic before parsing, so
 * non-ELF files kept here (scripts, data under /opt) cost one 4-byte compare.
 */

/** Directories whose direct children are executables. */
const FLAT_DIRS = [
  '/bin/',
  '/sbin/',
  '/usr/bin/',
  '/usr/sbin/',
  '/usr/local/bin/',
  '/usr/local/sbin/',
  '/usr/local/go/bin/',
  '/go/bin/',
  '/root/go/bin/',
  '/root/.cargo/bin/',
];

/** Directories whose whole subtree may hold executables. */
const TREE_DIRS = ['/opt/', '/app/', '/usr/libexec/', '/usr/local/go/pkg/tool/', '/usr/local/libexec/', '/srv/app/'];

const PATTERNS = [
  /^\/usr\/lib\/go-[^/]+\/bin\/[^/]+$/,
  /^\/usr\/lib\/go-[^/]+\/pkg\/tool\/.+$/,
  /^\/home\/[^/]+\/go\/bin\/[^/]+$/,
  /^\/home\/[^/]+\/\.cargo\/bin\/[^/]+$/,
];

/**
 * Subtrees such as /app hold whole source checkouts; keeping every file there
 * would buffer node_modules and friends. These never hold a compiled program.
 */
const SKIP_DIRS = /\/(?:node_modules|site-packages|dist-packages|\.git|__pycache__)\//;
const SKIP_EXTENSIONS =
  /\.(?:[cm]?js|ts|map|json|py[cdio]?|rb|php|java|class|jar|war|html?|css|md|txt|xml|ya?ml|png|jpe?g|gif|svg|ico|woff2?|ttf|h|c|go|rs|properties|conf|cfg|ini|sh|pem|crt|key|lock|toml|gz|zip|tar|mod|sum)$/i;

/** Every PATTERNS entry starts with one of these: the regular expressions run only behind them (this runs for every path). */
const PATTERN_PREFIXES = ['/usr/lib/go-', '/home/'];

/** The Go and Rust sniffers ask about the same path one after the other: the second asks the first's answer. */
let lastPath: string | undefined;
let lastAnswer = false;

export function isExecutableCandidatePath(path: string): boolean {
  if (path === lastPath) return lastAnswer;
  lastAnswer = isCandidate(path);
  lastPath = path;
  return lastAnswer;
}

// Plain loops rather than some() with a closure over the path: no allocation per path.
function isCandidate(path: string): boolean {
  for (const dir of FLAT_DIRS) {
    if (path.startsWith(dir) && path.length > dir.length && !path.includes('/', dir.length)) return true;
  }
  return inTree(path) && !SKIP_DIRS.test(path) && !SKIP_EXTENSIONS.test(path);
}

function inTree(path: string): boolean {
  for (const dir of TREE_DIRS) if (path.startsWith(dir) && path.length > dir.length) return true;
  for (const prefix of PATTERN_PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    for (const pattern of PATTERNS) if (pattern.test(path)) return true;
    return false;
  }
  return false;
}
