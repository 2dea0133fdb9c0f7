// The semver crate Cargo uses: Version::parse, precedence (build metadata cleared) and VersionReq::matches.
use semver::{BuildMetadata, Version, VersionReq};
use std::cmp::Ordering;
use std::io::{BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = std::path::Path::new(&args[1]);
    let mut valid = std::fs::File::create(out.join("cargo-valid.tsv")).unwrap();
    for line in std::fs::read_to_string(&args[2]).unwrap().lines() {
        writeln!(valid, "{}\t{}", line, Version::parse(line).is_ok() as u8).unwrap();
    }
    let mut cmp = std::fs::File::create(out.join("cargo-compare.tsv")).unwrap();
    for line in std::io::BufReader::new(std::fs::File::open(&args[3]).unwrap()).lines() {
        let line = line.unwrap();
        let (a, b) = line.split_once('\t').unwrap();
        if let (Ok(mut x), Ok(mut y)) = (Version::parse(a), Version::parse(b)) {
            // Precedence: SemVer ordering with build metadata cleared (Ord alone would break ties on it).
            x.build = BuildMetadata::EMPTY;
            y.build = BuildMetadata::EMPTY;
            let r = match x.cmp(&y) { Ordering::Less => -1, Ordering::Equal => 0, Ordering::Greater => 1 };
            writeln!(cmp, "{}\t{}\t{}", a, b, r).unwrap();
        }
    }
    let mut sat = std::fs::File::create(out.join("cargo-satisfies.tsv")).unwrap();
    for req in std::fs::read_to_string(&args[4]).unwrap().lines() {
        let parsed = VersionReq::parse(req);
        for v in args[5].split(' ') {
            let verdict = match (&parsed, Version::parse(v)) {
                (Err(_), _) => "invalid-range".to_string(),
                (Ok(_), Err(_)) => "invalid-version".to_string(),
                (Ok(r), Ok(v)) => (r.matches(&v) as u8).to_string(),
            };
            writeln!(sat, "{}\t{}\t{}", v, req, verdict).unwrap();
        }
    }
}
