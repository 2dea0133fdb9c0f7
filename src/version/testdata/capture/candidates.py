"""Writes deterministic candidate versions and pairs for each scheme (seeded), one per line.

Usage: python3 candidates.py SCHEME KIND  (KIND: versions | pairs)
"""
import random
import sys

HAND = {
    "deb": "0 1 1.0 1.0-1 1.0-0 1:1.0 0:1.0-1 1.0~rc1 1.0~rc1-1 1.0~ 1.0+b1 1.0a 1.0.a 1.0-1ubuntu1 1.0-1+deb12u1 "
           "2.7.4+reloaded2-13 2.7.4+reloaded2-13ubuntu1 1.2.3-1~deb7u1 10 9 1.00 1.0.0 1.0-1.1 1:0.9 2:0 "
           "a1 1.0-a 1.0-A 1.0-~ 1.0~~ 1.0~~a 1.0~a 1.0+ 1.0. 1.0.0.0 0.0 00 1-2-3 1:2:3-4 1.0-1_2 1_2 1@ 1.0-!",
    "rpm": "1.0 1.0-1 0:1.0-1 1:1.0-1 1.0~rc1 1.0~rc1-1 1.0^post1 1.0^ 1.0~ 1.0a 1.0.a 1.0_1 1.0+1 1.01 1.1 "
           "2.0.1 2.0.1a 5.5p1 5.5p10 10xyz 10.1xyz xyz10 xyz.4 8 6.0.rc1 1.0aa 10.0001 10.0039 20101121 2_0 a+ +a _ "
           "1.0-1.el8 1.0-1.el8_4 1.0-2.fc38 3:1~1 1:2 a:1 1-2-3 1.0- -1 1.0--1",
    "semver": "0.0.0 0.0.1 1.0.0 1.0.0-0 1.0.0-alpha 1.0.0-alpha.1 1.0.0-alpha.beta 1.0.0-beta 1.0.0-beta.2 1.0.0-beta.11 "
              "1.0.0-rc.1 1.0.0+build 1.0.0-rc.1+build.5 v1.0.0 =1.0.0 1.0 1 01.0.0 1.0.0-01 1.0.0-a..b 1.0.0-x-y 1.2.3-4 "
              "1.2.3-a.b.c.10.d.5 9007199254740991.0.0 9007199254740992.0.0 1.2.3-R2 1.2.3-r100 2.0.0 1.9.9 1.10.0",
    "pep440": "1.0 1.0.0 1!1.0 1.0a1 1.0a 1.0alpha1 1.0b2 1.0rc1 1.0c1 1.0pre1 1.0preview1 1.0.post1 1.0-1 1.0post 1.0r1 1.0rev2 "
              "1.0.dev1 1.0dev 1.0a1.dev1 1.0.post1.dev1 1.0+local 1.0+local.1 1.0+LOCAL.a 1.0+1 v1.0 V1.0 1.0-alpha-1 1.0_a_1 "
              "1.0.0.0.0 0.9 2.0 01.0 1.0a1.post1 1.0.a.1 1.0+ 1.0.* bogus 1.0-dev 1.0-rc-1 2!0.1 1.0b2.post345.dev456 1.1.dev1",
    "maven": "1 1.0 1.0.0 1-0 1.0-0 1.1 1.01 1.0-alpha-1 1.0-alpha-2 1.0-beta-1 1.0-SNAPSHOT 1.0-alpha-1-SNAPSHOT 1.0-1 1.0-2 "
             "2.0-1 2.0.1 2.0.1-klm 2.0.1-lmn 2.0.1-xyz 2.0.1-123 1a 1-a 1.0a 1x 1ga 1release 1final 1cr 1rc 1a1 1b2 1m3 1-sp "
             "1-sp-1 1-ga-1 1-1 1. 1- 1.0.0-foo.0.0 1-foo 1.foo 1-foo2 1-foo10 6.1.0rc3 6.1H.5-beta 20190126.230843 "
             "1234567890.12345 123456789012345.1H.5-beta 12345678901234567890.1H.5-beta 1.0.RELEASE 1.0.Final 1.0.GA 1.0-M1 1.0.M2",
    "go": "v0.0.0 v1 v1.0 v1.0.0 v1.2 v1.2.0 v1.2.3 v1.2.3-pre v1.2.3-pre.1 v1.2.3-pre.2 v1.2.3-pre.10 v1.2.3+meta v1.2.3-pre+meta "
          "v2.0.0+incompatible v2.1.0+incompatible v0.0.0-20191109021931-daa7c04131f5 v1.2.4-0.20191109021931-daa7c04131f5 "
          "v1.2.3-0.20191109021931-daa7c04131f5 1.2.3 v01.2.3 v1.02.3 v1.2.03 v1.2.3-01 v1.2.3- v1.2.3+ v1.2-pre v1.2.3.4 bad v "
          "v1.2.3-alpha.beta v1.2.3-alpha.1 v1.2.3-beta",
    "gem": "1 1.0 1.0.0 1.0.a 1.0.a1 1.0.a.1 1.0.b1 1.0.rc1 1.0.pre 1.0-1 1.0-pre 1.0.0.1 1.0.a.10 1.0.a9 0.9 2.0.0 1.A 1.a "
           "1.0.0.a 10.0001 10.1 3.2 3.10 1beta 1.2.4.beta 1.0.0-x.y 1.2.x 1..2 a 1.0 1.0.0.0.0.1 1.0.0.b",
    "composer": "1 1.0 1.0.0 1.0.0.0 v1.0.0 V1.0.0 1.0-dev 1.0.x-dev 1.x-dev dev-master dev-main dev-foo 1.0.0-alpha1 1.0.0a1 "
                "1.0.0-beta2 1.0.0-b2 1.0.0-RC1 1.0.0rc1 1.0.0-patch1 1.0.0pl1 1.0.0-p1 1.0.0-stable 1.0.0+build 1.0.0@dev "
                "2010-01-02 20100102 2010.01.02.5 1.25.0-beta2.1 1.25.0-b.2.1 1.2.3.4 1.2.3.4.5 foo 1.0.0-foo 99999.0 100000.0 "
                "1.0.0-alpha.1 1.0-RC 1.0.0.x master",
}

ALPHA = {
    "deb": "0123456789.+~-:abAZ",
    "rpm": "0123456789.+~^_-:abAZ",
    "semver": None, "pep440": None, "maven": "0123456789.-abgrlmspcfinuoSNAPSHOT",
    "go": None, "gem": "0123456789.-abrcpe", "composer": None,
}


def random_version(rng, scheme):
    if scheme == "deb":
        up = str(rng.randint(0, 12)) + "".join(rng.choice("0123456789.+~ab") for _ in range(rng.randint(0, 6)))
        v = (f"{rng.randint(0, 3)}:" if rng.random() < 0.2 else "") + up
        if rng.random() < 0.5:
            v += "-" + "".join(rng.choice("0123456789.+~abZ") for _ in range(rng.randint(1, 5)))
        return v
    if scheme == "rpm":
        return "".join(rng.choice("0123456789.~^_+abZ") for _ in range(rng.randint(1, 8)))
    if scheme == "semver":
        v = ".".join(str(rng.choice([0, 1, 2, 10, 11])) for _ in range(3))
        if rng.random() < 0.5:
            v += "-" + ".".join(rng.choice(["alpha", "beta", "rc", "0", "1", "2", "10", "x-y", "A"]) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            v += "+" + rng.choice(["b1", "001", "x.y"])
        return v
    if scheme == "pep440":
        v = ".".join(str(rng.choice([0, 1, 2, 10])) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.15:
            v = f"{rng.randint(0, 2)}!" + v
        if rng.random() < 0.4:
            v += rng.choice(["a", "b", "rc", ".a", "-beta", "c", "pre", ".alpha"]) + str(rng.randint(0, 3))
        if rng.random() < 0.3:
            v += rng.choice([".post", "post", "-", ".rev", "r"]) + str(rng.randint(0, 3))
        if rng.random() < 0.3:
            v += rng.choice([".dev", "dev", "-dev"]) + str(rng.randint(0, 3))
        if rng.random() < 0.15:
            v += "+" + rng.choice(["abc", "1", "a.1", "ubuntu-1", "x_y"])
        return v
    if scheme == "maven":
        parts = [rng.choice(["1", "0", "2", "10", "01", "alpha", "beta", "rc", "cr", "m", "a", "b", "sp", "ga", "final",
                             "release", "snapshot", "SNAPSHOT", "RC", "foo", "x", ""]) for _ in range(rng.randint(1, 5))]
        out = parts[0]
        for p in parts[1:]:
            out += rng.choice([".", "-", ""]) + p
        return out or "1"
    if scheme == "go":
        v = "v" + ".".join(str(rng.choice([0, 1, 2, 10])) for _ in range(rng.choice([1, 2, 3, 3, 3])))
        if v.count(".") == 2 and rng.random() < 0.5:
            v += "-" + ".".join(rng.choice(["alpha", "beta", "0", "1", "10", "pre", "0.20200101000000-abcdef012345"]) for _ in range(rng.randint(1, 2)))
        if v.count(".") >= 2 and rng.random() < 0.2:
            v += rng.choice(["+incompatible", "+meta"])
        return v
    if scheme == "gem":
        parts = [rng.choice(["0", "1", "2", "10", "a", "b", "pre", "rc", "beta", "1a", "a1"]) for _ in range(rng.randint(1, 5))]
        parts[0] = str(rng.randint(0, 3))
        v = ".".join(parts)
        if rng.random() < 0.15:
            v += "-" + rng.choice(["1", "pre", "rc.1"])
        return v
    if scheme == "composer":
        v = rng.choice(["", "v"]) + ".".join(str(rng.randint(0, 3)) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.5:
            v += rng.choice(["-", "", "."]) + rng.choice(["alpha", "a", "beta", "b", "RC", "rc", "patch", "pl", "p", "stable"]) + rng.choice(["", "1", "2", ".1"])
        if rng.random() < 0.2:
            v += rng.choice(["-dev", ".x-dev"])
        return v
    raise SystemExit(f"unknown scheme {scheme}")


def main():
    scheme, kind = sys.argv[1], sys.argv[2]
    rng = random.Random(f"bulkhead-{scheme}")
    versions = HAND[scheme].split() + [random_version(rng, scheme) for _ in range(160)]
    versions = list(dict.fromkeys(versions))
    if kind == "versions":
        print("\n".join(versions))
        return
    pairs = []
    hand = HAND[scheme].split()
    for i, a in enumerate(hand):
        for b in hand[i + 1 : i + 8]:
            pairs.append((a, b))
    for _ in range(500):
        pairs.append((rng.choice(versions), rng.choice(versions)))
    for a, b in pairs:
        print(f"{a}\t{b}")


main()
