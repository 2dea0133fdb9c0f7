<?php
// composer/semver (Debian's composer package): VersionParser::normalize and the sort order of Semver::sort.
require '/usr/share/php/Composer/Semver/autoload.php';
use Composer\Semver\VersionParser;
use Composer\Semver\Semver;
$dir = dirname(__DIR__);
$parser = new VersionParser();
$norm = function ($v) use ($parser) { try { return $parser->normalize($v); } catch (\UnexpectedValueException $e) { return null; } };
$versions = array_filter(explode("\n", shell_exec('python3 ' . __DIR__ . '/candidates.py composer versions')), 'strlen');
$f = fopen("$dir/composer-valid.tsv", 'w');
foreach ($versions as $v) { $n = $norm($v); fwrite($f, "$v\t" . ($n === null ? 0 : 1) . "\t" . ($n ?? '-') . "\n"); }
fclose($f);
$f = fopen("$dir/composer-compare.tsv", 'w');
foreach (array_filter(explode("\n", shell_exec('python3 ' . __DIR__ . '/candidates.py composer pairs')), 'strlen') as $line) {
  [$a, $b] = explode("\t", $line, 2);
  $na = $norm($a); $nb = $norm($b);
  if ($na === null || $nb === null) continue;
  // Semver::sort's comparison: normalized, default branches mapped to 9999999-dev, then version_compare.
  $na = $parser->normalizeDefaultBranch($na); $nb = $parser->normalizeDefaultBranch($nb);
  if (str_starts_with($na, 'dev-') || str_starts_with($nb, 'dev-')) continue;
  fwrite($f, "$a\t$b\t" . version_compare($na, $nb) . "\n");
}
fclose($f);
