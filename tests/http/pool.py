# pool.py - HTTP tests of the compute pool (issue 10): costly requests run apart from the
# threads that answer cheap ones; budgets per role (400 naming the field), a full queue is a
# 429 with Retry-After, identical requests share one computation, a computation stops when its
# client goes away or the server stops (SIGTERM); audited reads written in shared commits, each
# answered after its entry. No timing thresholds: each test checks the
# order in which answers arrive, counts, or what the server says (the huge rankings take
# minutes; none is waited for).
import os
import select
import signal
import socket

from httplib import Client, Server, run_protect

HUGE = "/api/v1/ranking/quant?samples=100000&seed=%d"  # minutes of sampling on this machine


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def send_raw(port, client, path):
    """Send a GET as client's user on a new connection; the socket, its answer unread."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nCookie: pt_session=%s\r\n\r\n"
               % (path, client.cookie)).encode())
    return s


def answered(s):
    """Nonzero when something (an answer or the close) has arrived on s."""
    return bool(select.select([s], [], [], 0)[0])


def read_answer(s):
    """The status line and body of the answer on s (read until the body is whole)."""
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            clen = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
                    if l.lower().startswith(b"content-length:")]
            if clen and len(rest) >= clen[0]:
                break
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode(errors="replace"), head.decode(errors="replace"), rest


def barrier(res, c):
    """A cheap request on a connection of its own: what was sent before has been read."""
    r = c.get("/api/v1/session")
    res.eq(r.status, 200, "a cheap request between the costly ones")


def t_cheap_while_costly(res, protect, db):
    """Two huge rankings running: the coordinator's list of sites is answered before them."""
    srv = Server(protect, db, ["--threads", "2", "--compute-threads", "2"]).start()
    try:
        co = login(res, srv.port, "coordinator")
        an = login(res, srv.port, "analyst")
        huge = [send_raw(srv.port, co, HUGE % 1), send_raw(srv.port, an, HUGE % 2)]
        barrier(res, co)
        r = co.get("/api/v1/sites")
        res.eq(r.status, 200, "GET /api/v1/sites as coordinator while two huge rankings run")
        res.check(not any(answered(s) for s in huge),
                  "the cheap request is answered before the costly ones finish")
        r = co.get("/api/v1/ranking/fema")
        res.eq(r.status, 200, "a FEMA ranking (no sampling) meanwhile")
        res.check(not any(answered(s) for s in huge), "still before the costly ones")
        for s in huge:
            s.close()
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])


def t_budget(res, protect, db):
    """samples x pairs over the caller's budget: 400 naming samples, before any sampling."""
    srv = Server(protect, db, ["--compute-threads", "1"]).start()
    try:
        rel = login(res, srv.port, "relief")
        r = rel.get(HUGE % 1)
        res.eq(r.status, 400, "relief's samples=100000 ranking")
        res.eq((r.json or {}).get("field"), "samples", "the field named")
        res.check("budget" in (r.json or {}).get("error", ""), "the message says budget: %r" % r)
        r = rel.get("/api/v1/ranking/quant?samples=1000&seed=1")
        res.eq(r.status, 200, "relief's samples=1000 ranking is within its budget")
        co = login(res, srv.port, "coordinator")
        r = co.get("/api/v1/ranking/quant?samples=1000&seed=1")
        res.eq(r.status, 200, "the coordinator's samples=1000 ranking")
        r = co.get("/api/v1/plan?budget=1000000&solver=exact")
        res.eq(r.status, 200, "the coordinator's exact plan, in the pool")
        res.check((r.json or {}).get("exact_time_limit_s", 99) <= 10, "within its solver budget")
        r = rel.get("/api/v1/plan?budget=1000000&solver=exact&sensitivity=1")
        res.eq(r.status, 200, "relief's exact plan with its sensitivity")
        res.check((r.json or {}).get("exact_time_limit_s", 99) <= 2.0 / 7 + 1e-9,
                  "relief's 2 solver seconds shared by its 7 solves: %r" % (r.json or {}).get("exact_time_limit_s"))
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])


def t_queue_full(res, protect, db):
    """One compute thread and a queue of one hold two computations at most: of three different
    costly rankings at once, one at least is answered 429 with Retry-After, at once."""
    srv = Server(protect, db, ["--compute-threads", "1", "--compute-queue", "1"]).start()
    try:
        # Three users: one user's third computation would meet its own cap first (t_per_user).
        socks = [send_raw(srv.port, login(res, srv.port, u), HUGE % k)
                 for u, k in (("coordinator", 1), ("analyst", 2), ("admin", 3))]
        co = login(res, srv.port, "coordinator")
        ready = select.select(socks, [], [], 60)[0]
        res.check(len(ready) >= 1, "a costly ranking over the queue's room is answered")
        for s in ready:
            status_line, head, body = read_answer(s)
            res.check(status_line.startswith("HTTP/1.1 429"), "answered 429: %r" % status_line)
            res.check("retry-after:" in head.lower(), "with Retry-After: %r" % head)
            res.check(b"busy" in body, "saying the server is busy: %r" % body[:200])
        r = co.get("/api/v1/sites?limit=1")
        res.eq(r.status, 200, "a cheap request is still answered")
        for s in socks:
            s.close()
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])


def t_sharing(res, protect, db):
    """Three identical costly rankings share one computation: when their clients go away, one
    computation stops (the server logs each one), not three."""
    # One request thread: the barrier's answer comes after the three were read (with two, a
    # request read only after its client closed would start a computation of its own).
    srv = Server(protect, db, ["--threads", "1", "--compute-threads", "1"]).start()
    try:
        co = login(res, srv.port, "coordinator")
        socks = [send_raw(srv.port, co, HUGE % 21) for _ in range(3)]
        barrier(res, co)
        res.check(not any(answered(s) for s in socks), "none refused")
        for s in socks:
            s.close()
        # Queued behind them on the only thread: answered once they are out of the way.
        r = co.get("/api/v1/ranking/quant?samples=200&seed=5")
        res.eq(r.status, 200, "a small ranking after the clients of the costly ones went away")
        r2 = co.get("/api/v1/ranking/quant?samples=200&seed=5")
        res.eq(r2.header("x-cache"), "hit", "asked again: kept")
        res.check(r2.raw == r.raw, "the same bytes")
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])
    res.eq(err.count("ranking/{method}: computation stopped, its client went away"), 1,
           "one computation for the three identical requests (stderr: %r)" % err[-400:])


def t_disconnect(res, protect, db):
    """The client of a huge ranking goes away: its computation stops, the thread is free."""
    srv = Server(protect, db, ["--threads", "1", "--compute-threads", "1"]).start()  # see t_sharing
    try:
        co = login(res, srv.port, "coordinator")
        a = send_raw(srv.port, co, HUGE % 7)
        barrier(res, co)
        a.close()
        r = co.get("/api/v1/plan?budget=1000000")
        res.eq(r.status, 200, "a plan on the only compute thread after the client went away")
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])
    res.check("ranking/{method}: computation stopped, its client went away" in err,
              "the server says the ranking stopped: %r" % err[-300:])


def t_sigterm_drain(res, protect, db):
    """SIGTERM with a 100000-sample ranking running: it is cancelled (503), the server exits 0
    within its drain instead of finishing the computation."""
    srv = Server(protect, db, ["--compute-threads", "1"]).start()
    co = login(res, srv.port, "coordinator")
    a = send_raw(srv.port, co, HUGE % 11)
    barrier(res, co)
    srv.proc.send_signal(signal.SIGTERM)
    status_line, head, body = read_answer(a)
    a.close()
    res.check(status_line.startswith("HTTP/1.1 503"), "the running computation is answered 503: %r" % status_line)
    res.check("retry-after" in head.lower(), "with Retry-After")
    status, out, err = srv.stop(signalled=True, timeout=30)
    res.eq(status, 0, "exit status after SIGTERM (not cut by the 30 s drain)")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])
    res.check("requests were still running" not in err, "nothing cut at the drain: %r" % err[-300:])


def t_group_commit(res, protect, db):
    """Forty audited reads at once (the coordinator reads AMBER): each is answered after its own
    entry is in the log (forty entries, in one chain that verifies), written in shared commits."""
    import threading
    srv = Server(protect, db, ["--threads", "2"]).start()
    try:
        co = login(res, srv.port, "coordinator")
        n0 = co.get("/api/v1/audit?limit=1").json["total"]
        got = []

        def read():
            try:
                c = Client(srv.port)
                c.cookie = co.cookie
                r = c.get("/api/v1/sites?limit=100")
                a = c.get("/api/v1/audit?limit=1")
                got.append((r.status, (a.json or {}).get("total", "%d %s" % (a.status, a.body[:200]))))
            except Exception as e:  # noted: the check below names it
                got.append((repr(e), 0))

        threads = [threading.Thread(target=read) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        res.eq(sorted(str(s) for s, _ in got), ["200"] * 40, "forty reads answered: %r" % got)
        res.check(all(isinstance(after, int) and after > n0 for _, after in got),
                  "each answered after an entry was written: %r" % got)
        top = co.get("/api/v1/audit?limit=40").json
        res.eq(top["total"], n0 + 40, "one entry per read")
        res.eq({(e["user"], e["action"]) for e in top["items"]}, {("coordinator", "sites.list")},
               "each the coordinator's read")
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])
    rc, out, err = run_protect(protect, "--db", db, "audit", "verify")
    res.eq(rc, 0, "audit verify: %s %s" % (out, err))
    res.check("intact" in out, "the chain verifies: %r" % out)


def t_per_user(res, protect, db):
    """One user's flood: its computations beyond its cap of two are answered 429 with
    Retry-After, saying it has too many in progress, while another user's is computed."""
    srv = Server(protect, db, ["--threads", "1", "--compute-threads", "2"]).start()
    try:
        co = login(res, srv.port, "coordinator")
        an = login(res, srv.port, "analyst")
        socks = [send_raw(srv.port, co, HUGE % k) for k in (31, 32, 33)]
        ready = select.select(socks, [], [], 60)[0]
        res.eq(len(ready), 1, "one of the coordinator's three costly rankings is answered at once")
        for s in ready:
            status_line, head, body = read_answer(s)
            res.check(status_line.startswith("HTTP/1.1 429"), "answered 429: %r" % status_line)
            res.check("retry-after:" in head.lower(), "with Retry-After: %r" % head)
            res.check(b"computations in progress" in body, "saying the caller has too many in progress: %r" % body[:200])
        barrier(res, co)
        r = an.get("/api/v1/ranking/quant?samples=200&seed=5")
        res.eq(r.status, 200, "the analyst's ranking is computed meanwhile")
        for s in socks:
            s.close()
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])


def t_disconnect_extra_byte(res, protect, db):
    """The client of a huge ranking sends one byte more after its request, then closes: its
    computation stops all the same (the byte unread does not make it look alive)."""
    srv = Server(protect, db, ["--threads", "1", "--compute-threads", "1"]).start()  # see t_sharing
    try:
        co = login(res, srv.port, "coordinator")
        a = send_raw(srv.port, co, HUGE % 8)
        barrier(res, co)  # read and suspended: the byte below stays in the socket
        a.sendall(b"x")
        a.close()
        r = co.get("/api/v1/plan?budget=1000000")
        res.eq(r.status, 200, "a plan on the only compute thread after the client went away")
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])
    res.check("ranking/{method}: computation stopped, its client went away" in err,
              "the server says the ranking stopped: %r" % err[-300:])


def t_default_samples(res, protect, work):
    """The registry's samples count against the budget when none are asked: over relief's, cut
    to the most it may draw (the answer says so); samples asked over it: 400 naming samples."""
    db = os.path.join(work, "pool-samples.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    res.eq(rc, 0, "protect demo: %s" % err)
    # 20000 samples x relief's 251 site-threat pairs is just over its 5,000,000 draws.
    rc, out, err = run_protect(protect, "--db", db, "config", "set", "quant.samples", "20000")
    res.eq(rc, 0, "config set quant.samples 20000: %s" % err)
    srv = Server(protect, db, ["--compute-threads", "1"]).start()
    try:
        rel = login(res, srv.port, "relief")
        r = rel.get("/api/v1/ranking/quant?seed=4&limit=1")
        res.eq(r.status, 200, "relief's ranking at the registry's 20000 samples: cut to its budget")
        res.eq((r.json or {}).get("samples"), 19920, "the answer says the samples drawn (the most relief may)")
        r = rel.get("/api/v1/ranking/quant?seed=4&limit=1&samples=19921")
        res.eq(r.status, 400, "relief asking one sample more than its budget")
        res.eq((r.json or {}).get("field"), "samples", "the field named")
        msg = (r.json or {}).get("error", "")
        res.check("budget" in msg and "at most 19920 samples" in msg,
                  "the message names the budget and the most allowed: %r" % msg)
        r = rel.get("/api/v1/ranking/quant?seed=4&limit=1&samples=19920")
        res.eq(r.status, 200, "relief's ranking at the most it may ask")
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])


def t_budget_before_cache(res, protect, db):
    """A ranking kept for a caller with a bigger budget and the same view is not served to one
    whose budget its samples exceed: 400 naming samples, as when it is not kept."""
    srv = Server(protect, db, ["--compute-threads", "1"]).start()
    try:
        big = login(res, srv.port, "northgate-admin")  # admin: 100,000,000 draws
        small = login(res, srv.port, "viewer")  # viewer of the same organisation: 5,000,000
        r = big.get("/api/v1/ranking/quant?samples=1000&seed=4&limit=1")
        res.eq(r.status, 200, "northgate-admin's samples=1000 ranking")
        r = small.get("/api/v1/ranking/quant?samples=1000&seed=4&limit=1")
        res.eq(r.status, 200, "the viewer's same ranking")
        res.eq(r.header("x-cache"), "hit", "served from what was kept: the two share a view")
        r = big.get("/api/v1/ranking/quant?samples=30000&seed=4&limit=1")
        res.eq(r.status, 200, "northgate-admin's samples=30000 ranking (within its budget)")
        r = small.get("/api/v1/ranking/quant?samples=30000&seed=4&limit=1")
        res.eq(r.status, 400, "the viewer's samples=30000 ranking, kept but over its budget")
        res.eq((r.json or {}).get("field"), "samples", "the field named")
        res.eq(r.header("x-cache"), None, "not served from the cache")
    finally:
        status, out, err = srv.stop()
    res.eq(status, 0, "exit status")
    res.check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: %s" % err[-2000:])


TESTS = [("pool-cheap", t_cheap_while_costly), ("pool-budget", t_budget),
         ("pool-queue", t_queue_full), ("pool-sharing", t_sharing),
         ("pool-disconnect", t_disconnect), ("pool-sigterm", t_sigterm_drain),
         ("pool-audit", t_group_commit), ("pool-per-user", t_per_user),
         ("pool-extra-byte", t_disconnect_extra_byte), ("pool-budget-cache", t_budget_before_cache)]


def run(res, protect, work):
    """Every test above, each with servers of its own over one demo registry."""
    db = os.path.join(work, "pool.db")
    rc, out, err = run_protect(protect, "--db", db, "demo")
    if not res.check(rc == 0, "protect demo: %s" % err):
        return
    for name, fn in TESTS:
        res.current = name
        try:
            fn(res, protect, db)
        except Exception as e:  # a crash of the test or the server is a failure
            res.bad("%s: %r" % (type(e).__name__, e))
    res.current = "pool-default-samples"  # a registry of its own
    try:
        t_default_samples(res, protect, work)
    except Exception as e:
        res.bad("%s: %r" % (type(e).__name__, e))
