#!/usr/bin/python3
# graph_peer.py - the peers of bench_cascade: single-source shortest paths
# with python3-igraph (its C core) and networkx, on the same edge list.
"""Usage: graph_peer.py EDGES SITES SOURCE OUTPUT

EDGES holds one "provider consumer autonomy_hours" line per dependency.
Only the shortest-path call is timed in each library, not loading. OUTPUT
receives SITES little-endian doubles, igraph's distances from SOURCE (inf
where unreachable); stdout one line per library: name, seconds, and for
networkx the largest difference from igraph.
Each time is the wall clock then the process's CPU time (the machine may be shared).
"""
import array
import sys
import time

import igraph
import networkx


def main():
    path, n, src, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    us, vs, ws = [], [], []
    with open(path) as f:
        for line in f:
            a, b, c = line.split()
            us.append(int(a))
            vs.append(int(b))
            ws.append(float(c))
    g = igraph.Graph(n=n, edges=list(zip(us, vs)), directed=True)
    g.es["weight"] = ws
    best = bcpu = None
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        d = g.distances(source=[src], weights="weight", mode="out")[0]
        t, c = time.perf_counter() - t0, time.process_time() - c0
        best = t if best is None or t < best else best
        bcpu = c if bcpu is None or c < bcpu else bcpu
    print("igraph %.6f %.6f" % (best, bcpu))
    array.array("d", d).tofile(open(out, "wb"))
    del g
    h = networkx.DiGraph()
    h.add_nodes_from(range(n))
    h.add_weighted_edges_from(zip(us, vs, ws))
    del us, vs, ws
    t0, c0 = time.perf_counter(), time.process_time()
    nd = networkx.single_source_dijkstra_path_length(h, src, weight="weight")
    t, c = time.perf_counter() - t0, time.process_time() - c0
    diff = 0.0
    for k, v in nd.items():
        diff = max(diff, abs(v - d[k]))
    if len(nd) != sum(1 for x in d if x != float("inf")):
        diff = float("inf")
    print("networkx %.6f %.6f %.3g" % (t, c, diff))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
