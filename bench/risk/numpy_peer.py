#!/usr/bin/python3
# numpy_peer.py - the peer of bench_risk: protect's quantitative model written
# with numpy (Debian's python3-numpy), vectorised over sites in chunks.
"""Usage: numpy_peer.py INPUT OUTPUT

INPUT is the binary file bench_risk writes: 8 little-endian doubles
(sites, pairs, samples, VSL, injury value, PERT lambda, top K, seed) then one
record of 17 doubles per pair (site, threat, then min, mode, max of
p_attempt, p_success, fatalities, injuries, loss_eur), pairs grouped by site.

The model is the one of src/core/pt_quant.c without national share: each
range is PERT(min, mode, max, lambda) = min + (max - min) Beta(alpha, beta)
drawn with numpy's Generator.beta, risk = T V (F VSL + I VI + L) per pair and
sample, summed per site; per site the mean, p5, p95 (numpy's default linear
percentiles) and p_topk (share of samples in the top K). Only the computation
is timed, not reading the file.

OUTPUT receives one line: seconds, variates drawn, the sample mean of the
national total, p_topk of the site with the largest exact score, and the
CPU seconds of the process over the same span.
"""
import sys
import time

import numpy as np

CHUNK_SITES = 1000  # sites per vectorised chunk: 12,000 pairs x samples per array


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 64
    raw = np.fromfile(sys.argv[1], dtype="<f8")
    head = raw[:8]
    n_sites, n_pairs, n_samples = int(head[0]), int(head[1]), int(head[2])
    vsl, value_injury, lam = float(head[3]), float(head[4]), float(head[5])
    top_k, seed = int(head[6]), int(head[7])
    rec = raw[8:].reshape(n_pairs, 17)
    per_site = n_pairs // n_sites
    if per_site * n_sites != n_pairs or not np.array_equal(
        rec[:, 0].astype(np.int64), np.repeat(np.arange(n_sites), per_site)
    ):
        sys.stderr.write("numpy_peer: pairs must come grouped by site, the same number each\n")
        return 65
    lo = np.ascontiguousarray(rec[:, 2::3])  # (pairs, 5): min of each variable
    mode = np.ascontiguousarray(rec[:, 3::3])
    hi = np.ascontiguousarray(rec[:, 4::3])

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    rng = np.random.default_rng(seed)
    scale = hi - lo
    alpha = 1 + lam * (mode - lo) / scale
    beta = 1 + lam * (hi - mode) / scale
    mean_var = (lo + lam * mode + hi) / (lam + 2)
    exact_pair = mean_var[:, 0] * mean_var[:, 1] * (
        mean_var[:, 2] * vsl + mean_var[:, 3] * value_injury + mean_var[:, 4]
    )
    exact_site = exact_pair.reshape(n_sites, per_site).sum(axis=1)

    loss = np.empty((n_samples, n_sites))
    for c0 in range(0, n_sites, CHUNK_SITES):
        c1 = min(n_sites, c0 + CHUNK_SITES)
        p0, p1 = c0 * per_site, c1 * per_site
        draws = []
        for v in range(5):
            x = rng.beta(alpha[p0:p1, v], beta[p0:p1, v], size=(n_samples, p1 - p0))
            x *= scale[p0:p1, v]
            x += lo[p0:p1, v]
            draws.append(x)
        t, vv, fat, inj, money = draws
        fat *= vsl
        inj *= value_injury
        fat += inj
        fat += money
        fat *= t
        fat *= vv
        loss[:, c0:c1] = fat.reshape(n_samples, c1 - c0, per_site).sum(axis=2)
    site_mean = loss.mean(axis=0)
    site_p5, site_p95 = np.percentile(loss, [5, 95], axis=0)
    k = min(top_k, n_sites)
    top = np.argpartition(-loss, k - 1, axis=1)[:, :k]
    p_topk = np.bincount(top.ravel(), minlength=n_sites) / n_samples
    total = loss.sum(axis=1)
    total_mean = total.mean()
    total_p5, total_p95 = np.percentile(total, [5, 95])
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - cpu0

    variates = 5 * n_pairs * n_samples
    best = int(np.argmax(exact_site))
    assert site_mean.shape == site_p5.shape == site_p95.shape == (n_sites,)
    with open(sys.argv[2], "w") as out:
        out.write("%.9g %d %.17g %.17g %.9g\n" % (seconds, variates, total_mean, p_topk[best], cpu_seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
