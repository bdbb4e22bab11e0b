# parallel_login.py - HTTP tests of the log-in throttle under concurrency (issue 10 fix): many
# wrong passwords or codes sent at once to a server with 32 threads get no more checks than the
# limits allow (5 per user name, 30 per client address); the rest are 429 with Retry-After.
# A fresh `protect init` registry (a second factor required of coordinators), codes by oathtool.
import json
import os
import re
import socket
import threading

from httplib import Client, Server, run_protect
from second_factor import totp

PASSWORD = "amber lantern orchard"
VIEWER_PW = "velvet harbour lamp"
NAME_FAILS = 5      # failed log-ins per user name per window (docs/api.md)
ADDRESS_FAILS = 30  # failed log-ins per client address per window
WRONG = 30          # requests sent at once


def setup(res, protect, work):
    db = os.path.join(work, "parallel_login.db")
    for args in (["init"], ["org", "add", "Test Ministry", "--type", "government"]):
        rc, out, err = run_protect(protect, "--db", db, *args)
        if rc != 0:
            raise RuntimeError("protect %s: %s" % (" ".join(args), err))
    for name, role, pw in (("coord", "coordinator", PASSWORD), ("coord2", "coordinator", PASSWORD),
                           ("coord3", "coordinator", PASSWORD), ("viewer1", "viewer", VIEWER_PW)):
        rc, out, err = run_protect(protect, "--db", db, "user", "add", name, "--org", "Test Ministry",
                                   "--role", role, "--password-stdin", stdin=pw + "\n")
        if rc != 0:
            raise RuntimeError("protect user add %s: %s" % (name, err))
    return db


def at_once(port, bodies, path="/api/v1/session", source=None):
    """POST every body of bodies on its own connection, all sent at the same moment.
    [(status, retry_after, json)] in the order of bodies."""
    n = len(bodies)
    barrier = threading.Barrier(n)
    out = [None] * n

    def one(i):
        data = json.dumps(bodies[i]).encode()
        req = (b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (path.encode(), len(data))) + data
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(60)
        try:
            if source:
                s.bind((source, 0))
            s.connect(("127.0.0.1", port))
            barrier.wait(timeout=30)
            s.sendall(req)
            raw = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                raw += b
        except OSError as e:
            out[i] = (None, None, {"error": repr(e)})
            return
        finally:
            s.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        ra = re.search(rb"(?i)\r\nretry-after: *(\d+)", head)
        try:
            j = json.loads(body.decode())
        except ValueError:
            j = None
        out[i] = (int(m.group(1)) if m else None, int(ra.group(1)) if ra else None, j)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def tally(answers):
    counts = {}
    for status, _, _ in answers:
        counts[status] = counts.get(status, 0) + 1
    return counts


def check_limited(res, answers, allowed, what, error401):
    """Exactly `allowed` answers are the checked guesses (401 saying error401); the rest 429."""
    counts = tally(answers)
    res.eq(counts, {401: allowed, 429: len(answers) - allowed},
           "%s: answers by status (at most %d checked)" % (what, allowed))
    res.check(all(j and error401 in j.get("error", "") for s, _, j in answers if s == 401),
              "%s: each 401 says %r" % (what, error401))
    odd = [(s, ra, j) for s, ra, j in answers
           if s == 429 and not (ra and 0 < ra <= 300 and j and "too many failed log-ins" in j.get("error", ""))]
    res.check(not odd, "%s: each 429 has Retry-After and says why (not: %r)" % (what, odd[:2]))


def enrol(res, port, user):
    """Enrol user's second factor through the log-in; its secret."""
    c = Client(port)
    r = c.request("POST", "/api/v1/session", {"user": user, "password": PASSWORD})
    pending = (r.json or {}).get("pending_token", "")
    e = c.request("POST", "/api/v1/session/enrolment", {"pending_token": pending}).json or {}
    secret = e.get("secret", "")
    r = c.request("POST", "/api/v1/session/second-factor", {"pending_token": pending, "code": totp(secret)})
    res.eq(r.status, 200, "%s enrols: %r" % (user, r))
    return secret


def run(res, protect, work):
    db = setup(res, protect, work)
    srv = Server(protect, db, ["--threads", "32"]).start()
    try:
        port = srv.port
        # Wrong passwords for one user name, all at once: 5 are checked, 25 wait.
        answers = at_once(port, [{"user": "coord", "password": "guess-%d" % i} for i in range(WRONG)])
        check_limited(res, answers, NAME_FAILS, "%d wrong passwords at once" % WRONG, "wrong user name or password")
        # The right password after the block is refused too, until the window passes.
        r = Client(port).request("POST", "/api/v1/session", {"user": "COORD", "password": PASSWORD})
        res.eq(r.status, 429, "the right password while the name is blocked: %r" % r)
        res.check((r.header("retry-after") or "").isdigit(), "with Retry-After")

        # Wrong codes on one pending log-in, all at once: 5 are checked.
        secret = enrol(res, port, "coord2")
        c = Client(port)
        r = c.request("POST", "/api/v1/session", {"user": "coord2", "password": PASSWORD})
        j = r.json or {}
        res.eq((r.status, j.get("second_factor")), (401, "code"), "coord2 is asked for a code: %r" % r)
        pending = j.get("pending_token", "")
        answers = at_once(port, [{"pending_token": pending, "code": "%06d" % (100000 + i)} for i in range(WRONG)],
                          path="/api/v1/session/second-factor")
        check_limited(res, answers, NAME_FAILS, "%d wrong codes at once on a pending log-in" % WRONG, "wrong code")
        r = c.request("POST", "/api/v1/session/second-factor",
                      {"pending_token": pending, "code": totp(secret, "now + 30 seconds")})
        res.eq(r.status, 429, "the right code while the name is blocked: %r" % r)

        # The right password with wrong codes in the log-in request itself: 5 codes checked.
        enrol(res, port, "coord3")
        answers = at_once(port, [{"user": "coord3", "password": PASSWORD, "code": "%06d" % (200000 + i)}
                                 for i in range(WRONG)])
        check_limited(res, answers, NAME_FAILS, "%d log-ins at once with wrong codes" % WRONG, "wrong code")

        # Wrong log-ins from one address, each for another name: 30 are checked, the rest wait,
        # and the address waits for any name; other addresses do not.
        answers = at_once(port, [{"user": "nobody-%d" % i, "password": "guess"} for i in range(ADDRESS_FAILS + 5)],
                          source="127.0.0.7")
        check_limited(res, answers, ADDRESS_FAILS, "%d wrong log-ins at once from one address" % (ADDRESS_FAILS + 5),
                      "wrong user name or password")
        answers = at_once(port, [{"user": "viewer1", "password": VIEWER_PW}], source="127.0.0.7")
        res.eq(answers[0][0], 429, "a right log-in from the blocked address")
        res.eq(Client(port).login("viewer1", VIEWER_PW).status, 200, "a right log-in from another address")
    finally:
        srv.stop()
