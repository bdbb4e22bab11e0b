#!/usr/bin/env python3
# check-demo-deps.py - checks data/demo/dependencies.csv against the rules of
# the dependencies import and prints the expected cascade of failing sites.
#
# A small, independent reference of the cascade model of issue 12 for runs
# without restoration (the failed sites are down for the whole horizon):
# a supply is missing from the moment its provider (every provider of its
# group) failed, hurts from then + autonomy_hours, service is the product of
# (1 - service_loss) over the supplies that hurt, a site fails when its
# service < threshold and then supplies nobody; degraded sites keep supplying.
# Usage: tools/check-demo-deps.py [--fail ID[,ID...]] [--hours H] [DIR]
import csv
import math
import os
import sys

TYPES = {"physical", "cyber", "geographic", "logical"}


def load(d):
    sites = {}
    with open(os.path.join(d, "sites.csv"), newline="") as f:
        for r in csv.DictReader(f):
            sites[r["id"]] = r
    deps, bad = [], []
    seen, groups = {}, {}
    with open(os.path.join(d, "dependencies.csv"), newline="") as f:
        rd = csv.DictReader(f)
        assert rd.fieldnames == ["provider_id", "consumer_id", "type", "autonomy_hours",
                                 "service_loss", "group"], rd.fieldnames
        for n, r in enumerate(rd, start=2):
            p, c = r["provider_id"], r["consumer_id"]
            h, l, g = float(r["autonomy_hours"]), float(r["service_loss"]), r["group"] or ""
            for k in (p, c):
                if k not in sites:
                    bad.append("%d: unknown site %s" % (n, k))
            if p == c:
                bad.append("%d: self-dependency" % n)
            if (p, c) in seen:
                bad.append("%d: duplicate of line %d" % (n, seen[(p, c)]))
            seen[(p, c)] = n
            if r["type"] not in TYPES:
                bad.append("%d: type %s" % (n, r["type"]))
            if not (math.isfinite(h) and h >= 0):
                bad.append("%d: autonomy_hours %s" % (n, h))
            if not (0 <= l <= 1):
                bad.append("%d: service_loss %s" % (n, l))
            if g:
                if (c, g) in groups and groups[(c, g)] != (h, l):
                    bad.append("%d: group %s of %s disagrees" % (n, g, c))
                groups.setdefault((c, g), (h, l))
            deps.append((p, c, r["type"], h, l, g))
    return sites, deps, bad


def cascade(sites, deps, fail, horizon, threshold=0.5):
    # supplies[c] = list of (providers, autonomy, loss)
    sup = {}
    for p, c, _, h, l, g in deps:
        key = (c, g) if g else (c, p)
        e = sup.setdefault(c, {}).setdefault(key, [[], h, l])
        e[0].append(p)
    inf = math.inf
    ft = {s: inf for s in sites}
    for s in fail:
        ft[s] = 0.0
    changed = True
    while changed:
        changed = False
        for c, sups in sup.items():
            if c in fail:
                continue
            starts = sorted((max(ft[p] for p in ps) + h, l) for ps, h, l in sups.values())
            s, t = 1.0, inf
            for st, l in starts:
                if st > horizon:
                    break
                s *= 1 - l
                if s < threshold:
                    t = st
                    break
            if t < ft[c]:
                ft[c], changed = t, True
    out = []
    for c in sites:
        pop = float(sites[c]["population_served"] or 0)
        if ft[c] <= horizon:
            drops = [(ft[c], 1.0)]
        else:
            drops = []
        if c in sup and c not in fail:
            for ps, h, l in sup[c].values():
                st = max(ft[p] for p in ps) + h
                if st <= horizon and st < ft[c]:
                    drops.append((st, l))
        if not drops:
            continue
        drops.sort()
        s, last, ph, smin, first = 1.0, 0.0, 0.0, 1.0, drops[0][0]
        for t, l in drops:
            ph += pop * (1 - s) * (t - last)
            last = t
            s = 0.0 if (t == ft[c] and l == 1.0 and ft[c] <= horizon) else s * (1 - l)
            smin = min(smin, s)
        ph += pop * (1 - s) * (horizon - last)
        out.append((first, c, ft[c] if ft[c] <= horizon else None, smin, ph))
    out.sort(key=lambda x: (x[0], x[1]))
    return out


def main():
    args = sys.argv[1:]
    fail, horizon, d = [], 168.0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                "..", "data", "demo")
    while args:
        a = args.pop(0)
        if a == "--fail":
            fail = args.pop(0).split(",")
        elif a == "--hours":
            horizon = float(args.pop(0))
        else:
            d = a
    sites, deps, bad = load(d)
    for b in bad:
        print("dependencies.csv:" + b, file=sys.stderr)
    if bad:
        sys.exit(65)
    print("%d dependencies, %d providers, %d consumers: valid" % (
        len(deps), len({x[0] for x in deps}), len({x[1] for x in deps})))
    if not fail:
        return
    total = 0.0
    print("site    first_drop_h failed_at_h min_service person_hours  name")
    for first, c, f, smin, ph in cascade(sites, deps, set(fail), horizon):
        total += ph
        print("%-7s %12g %11s %11.4g %12.0f  %s" % (c, first, "-" if f is None else "%g" % f,
                                                    smin, ph, sites[c]["name"]))
    print("person-hours lost: %.0f" % total)


if __name__ == "__main__":
    main()
