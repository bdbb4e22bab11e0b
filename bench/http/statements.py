#!/usr/bin/env python3
# bench/http/statements.py PROTECT - SQL statements run (PT_STMT_TRACE, docs/internals/store.md) and
# time taken per request, cold (first after log-in, fresh server) and warm (repeated), for the
# FEMA and quant rankings and a plan, as coordinator (reads audited) and relief. Not a test.
import json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request
protect = sys.argv[1]
work = tempfile.mkdtemp()
paths = ["/api/v1/ranking/fema", "/api/v1/ranking/quant", "/api/v1/plan?budget=1000000"]
def lines(f):
    try:
        return sum(1 for _ in open(f))
    except FileNotFoundError:
        return 0
for user in ["coordinator", "relief"]:
    for path in paths:
        db = work + "/r%d.db" % time.monotonic_ns()
        subprocess.run([protect, "--db", db, "demo"], check=True, capture_output=True)
        trace = work + "/trace.log"
        if os.path.exists(trace): os.remove(trace)
        env = dict(os.environ, PT_STMT_TRACE=trace)
        p = subprocess.Popen([protect, "--db", db, "serve", "--bind", "127.0.0.1", "--port", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        port = None
        while port is None:
            l = p.stdout.readline()
            m = re.search(r"127\.0\.0\.1:(\d+)/", l)
            if m: port = int(m.group(1))
        base = "http://127.0.0.1:%d" % port
        req = urllib.request.Request(base + "/api/v1/session", data=json.dumps({"user": user, "password": "demo-" + user}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req) as r:
            cookie = r.headers["Set-Cookie"].split(";")[0]
        counts = []
        for i in range(3):
            before = lines(trace)
            t = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(base + path, headers={"Cookie": cookie})) as r:
                body = r.read(); xc = r.headers.get("X-Cache", "-")
            ms = (time.perf_counter() - t) * 1000
            counts.append("%d stmts %.1f ms %s" % (lines(trace) - before, ms, xc))
        p.terminate(); p.wait()
        print("%-12s %-30s cold: %s | warm: %s | warm: %s" % (user, path, *counts))
shutil.rmtree(work)
