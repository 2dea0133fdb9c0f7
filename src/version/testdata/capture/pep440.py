"""packaging.version / packaging.specifiers verdicts on the candidates."""
import os
import subprocess
import packaging
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

here = os.path.dirname(os.path.abspath(__file__))
run = lambda *a: subprocess.run(["python3", os.path.join(here, "candidates.py"), *a], capture_output=True, text=True, check=True).stdout.splitlines()


def parse(v):
    try:
        return Version(v)
    except InvalidVersion:
        return None


def write(name, rows):
    with open(os.path.join(here, "..", name), "w") as f:
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


write("pep440-valid.tsv", [(v, 1 if parse(v) else 0, str(parse(v)) if parse(v) else "-") for v in run("pep440", "versions")])
rows = []
for line in run("pep440", "pairs"):
    a, b = line.split("\t")
    va, vb = parse(a), parse(b)
    if va and vb:
        rows.append((a, b, (va > vb) - (va < vb)))
write("pep440-compare.tsv", rows)
specs = [l.rstrip("\n")[7:] for l in open(os.path.join(here, "ranges.txt")) if l.startswith("pep440\t")]
vers_line = next(l for l in open(os.path.join(here, "range-versions.txt")) if l.startswith("pep440:"))
rows = []
for spec in specs:
    try:
        s = SpecifierSet(spec)
    except InvalidSpecifier:
        s = None
    for v in vers_line[7:].split():
        if s is None:
            rows.append((v, spec, "invalid-range"))
        else:
            try:
                rows.append((v, spec, 1 if s.contains(v) else 0))
            except InvalidVersion:
                rows.append((v, spec, 0))
write("pep440-satisfies.tsv", rows)
print("packaging", packaging.__version__)
