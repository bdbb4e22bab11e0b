#!/usr/bin/python3
# check-measures.py - calibration check of the measure catalogue against the
# demo region: each measure's standalone benefit-cost ratio at each demo site,
# the proportionality screen, and a rough greedy plan under a budget.
#
# Uses expected values only (PERT mean (min + 4 mode + max) / 6); risk per
# site-threat pair = E[T] E[V] (E[fat] VSL + E[inj] injury value + E[loss]).
# It mirrors the model of docs/methodology.md closely enough to calibrate the
# data; the planner in src/core is the reference. Standard library only.
# Usage: tools/check-measures.py [--budget EUR] [--site ID] [--quiet]

import argparse
import csv
import itertools
import os

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
VSL, INJ = 3600000.0, 468000.0
HORIZON, RATE = 10, 0.03
OCC_EDGES = (500, 5000, 25000)
VALUE_EDGES = (10e6, 100e6, 500e6)
SIZE_FACTOR = (0.5, 1.0, 2.0, 4.0)
BAND_FOR = {0: 0, 1: 1, 2: 2, 3: 3}  # intrusiveness -> lowest band that admits it
ALT_COST = 1.2
MAX_MEASURES = 4
MIN_BCR = 1.0
BAND_NAMES = ("none", "low", "medium", "high", "very high")


def rows(path):
    with open(os.path.join(TOP, path), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pert(r, k):
    return (float(r[k + "_min"]) + 4 * float(r[k + "_mode"]) + float(r[k + "_max"])) / 6


def cls(x, edges):
    for i, e in enumerate(edges):
        if x <= e:
            return i + 1
    return len(edges) + 1


def band(score):
    return 1 if score <= 4 else 2 if score <= 9 else 3 if score <= 16 else 4


def size_class(site):
    occ, val = int(site["peak_occupancy"]), float(site["economic_value_eur"])
    a = sum(occ >= e for e in OCC_EDGES)
    b = sum(val >= e for e in VALUE_EDGES)
    return max(a, b)


def annuity():
    return sum((1 + RATE) ** -t for t in range(1, HORIZON + 1))


def pv_cost(m, factor):
    life = int(m["lifetime_years"])
    capex = sum(float(m["capex_eur"]) * (1 + RATE) ** -t for t in range(0, HORIZON, life))
    return factor * (capex + float(m["opex_eur_year"]) * annuity())


def applies(m, site):
    k, s = m["kinds"], m["sectors"]
    return (k == "*" or site["kind"] in k.split(";")) and (s == "*" or site["sector"] in s.split(";"))


def intrusiveness(m):
    return max(int(m["privacy"]), int(m["movement"]), int(m["discrimination"]))


def site_risk(pairs, effects, chosen):
    total = 0.0
    for t, (T, V, C) in pairs.items():
        v, c = V, C
        for mid in chosen:
            e = effects.get((mid, t))
            if e:
                v *= 1 - e[0]
                c *= 1 - e[1]
        total += T * v * c
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=2000000)
    ap.add_argument("--site")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()

    measures = rows("data/catalog/measures.csv")
    mby = {m["id"]: m for m in measures}
    effects = {(e["measure_id"], e["threat_id"]): (float(e["v_reduction"]), float(e["c_reduction"]))
               for e in rows("data/catalog/measure_effects.csv")}
    sites = {s["id"]: s for s in rows("data/demo/sites.csv")}
    existing = {}
    for r in rows("data/demo/site_measures.csv"):
        existing.setdefault(r["site_id"], set()).add(r["measure_id"])
    pairs, site_band = {}, {}
    for r in rows("data/demo/quant.csv"):
        T, V = pert(r, "p_attempt"), pert(r, "p_success")
        C = pert(r, "fatalities") * VSL + pert(r, "injuries") * INJ + pert(r, "loss_eur")
        pairs.setdefault(r["site_id"], {})[r["threat_id"]] = (T, V, C)
        b = band(cls(T * V, (1e-5, 1e-4, 1e-3, 1e-2)) * cls(C, (1e6, 1e7, 1e8, 1e9)))
        site_band[r["site_id"]] = max(site_band.get(r["site_id"], 0), b)

    af = annuity()
    print(f"annuity factor {af:.3f}; total expected loss "
          f"{sum(site_risk(p, effects, ()) for p in pairs.values()):,.0f} EUR/yr")
    rejected = {"band": [], "alternative": [], "step_free": []}
    options = {}  # site -> list of (cost, benefit, bundle)
    standalone = {}
    for sid in sorted(pairs):
        site, p = sites[sid], pairs[sid]
        factor = SIZE_FACTOR[size_class(site)]
        base = site_risk(p, effects, ())
        cand = {}
        for m in measures:
            if m["id"] in existing.get(sid, ()) or not applies(m, site):
                continue
            red = base - site_risk(p, effects, (m["id"],))
            if red <= 0:
                continue
            cand[m["id"]] = (pv_cost(m, factor), red * af)
        adm = []
        for mid, (cost, ben) in sorted(cand.items()):
            m = mby[mid]
            k = intrusiveness(m)
            if int(m["removes_step_free"]):
                rejected["step_free"].append((sid, mid))
                continue
            if site_band[sid] < BAND_FOR[k]:
                rejected["band"].append((sid, mid, BAND_NAMES[site_band[sid]]))
                continue
            alt = [o for o, (c2, b2) in cand.items()
                   if intrusiveness(mby[o]) < k and not int(mby[o]["removes_step_free"])
                   and site_band[sid] >= BAND_FOR[intrusiveness(mby[o])]
                   and b2 >= ben and c2 <= ALT_COST * cost]
            if alt:
                rejected["alternative"].append((sid, mid, alt[0]))
                continue
            adm.append(mid)
        standalone[sid] = {mid: cand[mid] for mid in adm}
        # bundles of up to MAX_MEASURES admissible measures with standalone BCR >= MIN_BCR
        good = [mid for mid in adm if cand[mid][1] >= MIN_BCR * cand[mid][0]]
        opts = [(0.0, 0.0, ())]
        for r in range(1, MAX_MEASURES + 1):
            for b in itertools.combinations(good, r):
                groups = [mby[x]["exclusive_group"] for x in b if mby[x]["exclusive_group"]]
                if len(groups) != len(set(groups)):
                    continue
                cost = sum(cand[x][0] for x in b)
                ben = (base - site_risk(p, effects, b)) * af
                opts.append((cost, ben, b))
        opts.sort()
        front, best = [], -1.0
        for o in opts:
            if o[1] > best:
                front.append(o)
                best = o[1]
        options[sid] = front

    if not a.quiet:
        for sid in sorted(standalone, key=lambda s: -site_risk(pairs[s], effects, ())):
            if a.site and sid != a.site:
                continue
            base = site_risk(pairs[sid], effects, ())
            print(f"\n{sid} {sites[sid]['name']} ({sites[sid]['sector']}), band "
                  f"{BAND_NAMES[site_band[sid]]}, size factor "
                  f"{SIZE_FACTOR[size_class(sites[sid])]}, risk {base:,.0f}/yr")
            for mid, (cost, ben) in sorted(standalone[sid].items(), key=lambda x: -x[1][1] / x[1][0]):
                print(f"  {mid:32s} cost {cost:>10,.0f} benefit {ben:>11,.0f} BCR {ben / cost:6.2f}")

    # greedy on the convex hull of each site's frontier
    steps = []
    for sid, front in options.items():
        hull = [front[0]]
        for o in front[1:]:
            while len(hull) >= 2:
                (c1, b1, _), (c2, b2, _) = hull[-2], hull[-1]
                if (b2 - b1) * (o[0] - c2) <= (o[1] - b2) * (c2 - c1):
                    hull.pop()
                else:
                    break
            hull.append(o)
        for i in range(1, len(hull)):
            dc, db = hull[i][0] - hull[i - 1][0], hull[i][1] - hull[i - 1][1]
            steps.append((db / dc if dc > 0 else float("inf"), sid, i, hull[i]))
    steps.sort(key=lambda s: -s[0])
    spent, level, plan = 0.0, {}, {}
    for eff, sid, i, o in steps:
        if level.get(sid, 0) != i - 1:
            continue
        prev = plan.get(sid, (0.0, 0.0, ()))
        if spent - prev[0] + o[0] > a.budget:
            continue
        spent += o[0] - prev[0]
        level[sid] = i
        plan[sid] = o
    ben = sum(o[1] for o in plan.values())
    print(f"\ngreedy plan for {a.budget:,.0f} EUR: {len(plan)} sites, cost {spent:,.0f}, "
          f"benefit {ben:,.0f}, BCR {ben / spent if spent else 0:.2f}")
    count = {}
    for sid in sorted(plan, key=lambda s: -plan[s][1]):
        o = plan[sid]
        print(f"  {sid} {sites[sid]['name'][:34]:34s} cost {o[0]:>9,.0f} benefit {o[1]:>10,.0f} "
              f"BCR {o[1] / o[0]:5.2f} {', '.join(o[2])}")
        for m in o[2]:
            count[m] = count.get(m, 0) + 1
    print("  measures chosen: " + ", ".join(f"{m} x{n}" for m, n in
                                              sorted(count.items(), key=lambda x: -x[1])))
    for rule, lst in rejected.items():
        by = {}
        for x in lst:
            by[x[1]] = by.get(x[1], 0) + 1
        print(f"rejected by {rule} per measure: {by}")
        print(f"rejected by {rule}: {len(lst)}" + (": " + "; ".join(
            " ".join(x) for x in lst[:12]) if lst else ""))


if __name__ == "__main__":
    main()
