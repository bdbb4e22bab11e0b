# limits.py - HTTP tests of what one client may hold of the server (issue 10): the right to
# import asked before the body, the server's budget of body bytes, connections per address, the
# idle timeout, the minimum body rate, a trusted proxy's forwarded client, the Secure cookie and
# the warning beyond the loopback, no path of the server in any answer, a NUL in the target.
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from httplib import Client, Server, raw_exchange, run_protect

MIB = 1024 * 1024
OTHER_ADDRESS = "127.0.0.2"  # another client on the loopback (Linux answers all of 127/8)


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def connect(port, source=None, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_answer(s):
    """Everything the server sends until it closes or a whole response is in (b"" when cut)."""
    data = b""
    while True:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        except OSError:
            break
        if not b:
            break
        data += b
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if m and len(rest) >= int(m.group(1)):
                break
    return data


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


def body_of(raw):
    return raw.partition(b"\r\n\r\n")[2]


def closed_without_answer(s, wait=15):
    """True when the server closes s (or resets it) without sending anything."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def upload_head(c, path, length, ctype="text/csv", chunked=False):
    h = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nCookie: pt_session=%s\r\n"
         "X-CSRF-Token: %s\r\n" % (path, ctype, c.cookie, c.csrf))
    h += "Transfer-Encoding: chunked\r\n" if chunked else "Content-Length: %d\r\n" % length
    return (h + "\r\n").encode()


def stop(res, srv):
    """Stop a server of these tests; a sanitizer report on its stderr is a failure."""
    status, out, err = srv.stop()
    res.check("runtime error" not in err and "AddressSanitizer" not in err and "LeakSanitizer" not in err,
              "sanitizer report: %s" % err[-2000:])
    return status, out, err


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def t_import_right_first(res, port, protect, db):
    """relief (a viewer) may never import: 403 from the headers alone, the body never read."""
    relief = login(res, port, "relief")
    answers = []
    for path, what in (("/api/v1/imports/sites", "sites"), ("/api/v1/imports/assessments", "assessments")):
        s = connect(port)
        s.sendall(upload_head(relief, path, 14 * MIB))  # the headers only: no byte of the body
        raw = read_answer(s)
        s.close()
        res.eq(status_of(raw), 403, "relief's import of %s answered from the headers" % what)
        res.check(b"may not import " + what.encode() in raw, "the answer names the right: %r" % raw[-120:])
        answers.append(body_of(raw))
    # The same answer whatever the body holds: valid, garbage, too large, another type.
    sites = "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp\n"
    for body, ctype in ((sites + "RL-1,Relief store,soft_target,retail,Orrinford Community Relief,47.0,-11.8,Kessling,10,5,0,0,GREEN\n", "text/csv"),
                        ("\x01garbage\"", "text/csv"), ("", "text/csv"), ('{"type": "FeatureCollection"}', "application/geo+json"),
                        ("x", "text/plain")):
        r = relief.request("POST", "/api/v1/imports/sites", body, ctype=ctype)
        res.eq((r.status, r.raw), (403, answers[0]), "relief's import with body %r" % body[:30])
    s = connect(port)
    s.sendall(upload_head(relief, "/api/v1/imports/sites", 600 * MIB))  # over the upload limit too
    res.eq(body_of(read_answer(s)), answers[0], "the same 403 for a body over the upload limit")
    s.close()
    # Callers who may import keep their answers: a bad row is a 400 naming its line.
    op = login(res, port, "operator")
    r = op.request("POST", "/api/v1/imports/sites", sites + "bad row\n", ctype="text/csv")
    res.check(r.status == 400 and (r.json or {}).get("line") == 2, "operator's bad row: %r" % r)
    # Twenty pending uploads of 14 MiB from relief do not grow the server's memory (before
    # issue 10 they took it from 8 MB to 289 MB: bench/http/uploads prints the figures).
    srv = Server(protect, db).start()
    socks = []
    try:
        relief = login(res, srv.port, "relief")
        before = rss_kib(srv.proc.pid)
        for _ in range(20):
            s = connect(srv.port)
            s.sendall(upload_head(relief, "/api/v1/imports/sites", 14 * MIB))
            try:
                for _ in range(14):
                    s.sendall(b"x" * MIB)
            except OSError:
                pass  # answered and closed before the body: what is wanted
            socks.append(s)
        time.sleep(0.5)
        during = rss_kib(srv.proc.pid)
        res.check(during - before < 8 * 1024,
                  "RSS with 20 refused 14 MiB uploads pending: %d -> %d KiB" % (before, during))
    finally:
        for s in socks:
            s.close()
        stop(res, srv)


def t_body_budget(res, port, protect, db):
    """Bodies held at once are bounded server-wide: over it, 503 with Retry-After."""
    srv = Server(protect, db, ["--upload-max", str(MIB), "--body-budget", str(2 * MIB + 300000)]).start()
    try:
        op = login(res, srv.port, "operator")
        held = []
        for _ in range(2):  # two pending uploads of 1 MiB hold 2 MiB + 2 bytes
            s = connect(srv.port)
            s.sendall(upload_head(op, "/api/v1/imports/sites", MIB) + b"id,name\n")
            held.append(s)
        time.sleep(0.5)
        s = connect(srv.port)
        s.sendall(upload_head(op, "/api/v1/imports/sites", 500000))
        raw = read_answer(s)
        s.close()
        res.eq(status_of(raw), 503, "a third upload over the budget, answered before its body")
        res.check(re.search(rb"(?i)\r\nretry-after: *\d+", raw) is not None, "503 with Retry-After: %r" % raw[:300])
        res.check(b"too many request bodies" in raw, "the 503 says why: %r" % body_of(raw))
        # Chunked (no length): held as it grows; over the budget its connection is closed at once
        # (libmicrohttpd cannot answer in the middle of a body; test body-cut).
        s = connect(srv.port)
        raw, sent = send_chunks_until_answer(s, upload_head(op, "/api/v1/imports/sites", 0, chunked=True), 8 * MIB)
        s.close()
        res.eq(raw, b"", "a chunked upload over the budget: closed without an answer")
        res.check(sent < 4 * MIB, "closed soon after the budget (%d bytes sent)" % sent)
        # Small bodies still fit beside them (the log-in's JSON).
        res.eq(Client(srv.port).login("operator", "demo-operator").status, 200, "a log-in while uploads are held")
        for s in held:
            s.close()
        time.sleep(0.5)
        r = op.request("POST", "/api/v1/imports/sites", "id,name\n" + "z" * 900000, ctype="text/csv")
        res.eq(r.status, 400, "once the held uploads are gone, a large upload is read again: %r" % r)
    finally:
        stop(res, srv)


def t_per_address(res, port, protect, db):
    """At most --per-address-max connections from one address; other addresses are not held up."""
    srv = Server(protect, db, ["--per-address-max", "4"]).start()
    socks = []
    try:
        for _ in range(4):
            socks.append(connect(srv.port))
        for s in socks:  # each is served: the limit counts open connections, not requests
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            res.eq(status_of(read_answer(s)), 200, "a request on one of 4 connections")
        extra = connect(srv.port)
        res.check(closed_without_answer(extra), "the fifth connection from 127.0.0.1 is closed")
        extra.close()
        other = connect(srv.port, OTHER_ADDRESS)
        other.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        res.eq(status_of(read_answer(other)), 200, "another address is served meanwhile")
        other.close()
        socks.pop().close()
        time.sleep(0.5)
        raw = raw_exchange(srv.port, b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        res.eq(status_of(raw), 200, "a connection once one of the four closed")
    finally:
        for s in socks:
            s.close()
        stop(res, srv)


def t_idle_and_rate(res, port, protect, db):
    """An idle connection is closed after --idle-timeout; a body slower than --body-min-rate is cut."""
    srv = Server(protect, db, ["--idle-timeout", "2", "--body-min-rate", "2000"]).start()
    try:
        s = connect(srv.port)
        res.check(closed_without_answer(s, wait=20), "an idle connection is closed")
        s.close()
        op = login(res, srv.port, "operator")
        s = connect(srv.port)
        s.sendall(upload_head(op, "/api/v1/imports/sites", 100000))
        sent, cut = 0, False
        deadline = time.monotonic() + 30
        while sent < 100000 and time.monotonic() < deadline:
            try:
                s.sendall(b"a" * 200)  # 200 bytes every half second: 400 bytes/s
            except OSError:
                cut = True
                break
            sent += 200
            time.sleep(0.5)
            s.settimeout(0.01)
            try:
                if s.recv(1) == b"":
                    cut = True
                    break
            except socket.timeout:
                pass
            except OSError:
                cut = True
                break
        s.close()
        res.check(cut and sent < 100000, "a body at 400 bytes/s is cut (sent %d of 100000 bytes)" % sent)
        r = op.request("POST", "/api/v1/imports/sites", "id,name\n" + "z" * 90000, ctype="text/csv")
        res.eq(r.status, 400, "a body sent at once is read: %r" % r)
    finally:
        stop(res, srv)


def proxied(port, forwarded, body=b"", method="GET", path="/api/v1/session", extra=b"", header="X-Forwarded-For"):
    s = connect(port, OTHER_ADDRESS)
    h = b"%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" % (method.encode(), path.encode())
    if forwarded is not None:
        h += b"%s: %s\r\n" % (header.encode(), forwarded.encode())
    if body:
        h += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    s.sendall(h + extra + b"\r\n" + body)
    raw = read_answer(s)
    s.close()
    return raw


def t_proxy(res, port, protect, db):
    """--proxy 127.0.0.2: its forwarded header names the client, for the limits and the log-in
    throttle; the same header from anyone else is ignored."""
    srv = Server(protect, db, ["--proxy", OTHER_ADDRESS, "--per-address-max", "2"]).start()
    held = []
    try:
        res.check(("; behind a proxy at %s, forwarded header X-Forwarded-For)" % OTHER_ADDRESS) in "".join(srv.out),
                  "the start-up line names the proxy and its header: %r" % srv.out)
        def fail_login(forwarded, i, source):
            body = json.dumps({"user": "proxy-test-%s-%d" % (forwarded.replace(".", "-"), i), "password": "wrong"}).encode()
            if source == OTHER_ADDRESS:
                return status_of(proxied(srv.port, forwarded, body, "POST"))
            s = connect(srv.port)
            s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-For: %s\r\n"
                      b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (forwarded.encode(), len(body), body))
            raw = read_answer(s)
            s.close()
            return status_of(raw)
        # 30 failed log-ins of client 10.0.0.1 through the proxy block that client only.
        statuses = [fail_login("10.0.0.1", i, OTHER_ADDRESS) for i in range(30)]
        res.check(all(st == 401 for st in statuses), "failed log-ins through the proxy: %r" % set(statuses))
        res.eq(fail_login("10.0.0.1", 99, OTHER_ADDRESS), 429, "client 10.0.0.1 blocked after 30 failures")
        res.eq(fail_login("10.0.0.2", 0, OTHER_ADDRESS), 401, "client 10.0.0.2 through the same proxy is not")
        res.eq(fail_login("10.0.0.1", 100, "127.0.0.1"), 401,
               "the header from a client that is not the proxy is ignored (its own address counts)")
        # The proxy's header is the last one, and the last address in it.
        res.eq(status_of(proxied(srv.port, "10.0.0.1, 10.0.0.3")), 401,
               "the proxy's own entry (the last) names the client")
        res.eq(status_of(proxied(srv.port, "10.0.0.3, 10.0.0.1", b'{"user": "a-b", "password": "c"}', "POST")), 429,
               "a client cannot hide behind an address it writes first")
        # A request from the proxy that names no client is refused.
        for forwarded in (None, "", "not-an-address", "10.0.0.1:80"):
            raw = proxied(srv.port, forwarded)
            res.eq(status_of(raw), 400, "from the proxy with X-Forwarded-For %r" % forwarded)
            res.check(b"X-Forwarded-For" in body_of(raw), "the 400 names the header: %r" % body_of(raw))
        # Requests in progress per forwarded client: 2; a third from the same client gets 429.
        for _ in range(2):
            s = connect(srv.port, OTHER_ADDRESS)
            s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.5\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            held.append(s)
        time.sleep(0.5)
        raw = proxied(srv.port, "10.0.0.5")
        res.eq(status_of(raw), 429, "a third request in progress from client 10.0.0.5")
        res.check(re.search(rb"(?i)\r\nretry-after: *\d+", raw) is not None, "429 with Retry-After")
        res.eq(status_of(proxied(srv.port, "10.0.0.6")), 401, "another client through the proxy meanwhile")
        # The proxy itself is not limited per address (it carries every client).
        many = [connect(srv.port, OTHER_ADDRESS) for _ in range(6)]
        many[-1].sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.7\r\nConnection: close\r\n\r\n")
        res.eq(status_of(read_answer(many[-1])), 200, "the proxy's seventh connection is served")
        for s in many:
            s.close()
        # Direct clients are still limited to 2 connections each.
        direct = [connect(srv.port) for _ in range(2)]
        extra = connect(srv.port)
        res.check(closed_without_answer(extra), "a third direct connection from 127.0.0.1 is closed")
        extra.close()
        for s in direct:
            s.close()
    finally:
        for s in held:
            s.close()
        stop(res, srv)


def t_tls_cookie(res, port, protect, db):
    """--behind-tls: the session cookie is Secure; without it, not."""
    r = Client(port).login("operator", "demo-operator")
    res.check("secure" not in (r.header("set-cookie") or "").lower(), "no Secure without --behind-tls")
    res.eq(r.header("strict-transport-security"), None, "no Strict-Transport-Security without --behind-tls")
    srv = Server(protect, db, ["--behind-tls"]).start()
    try:
        # the start-up line echoes the TLS setting; every answer carries Strict-Transport-Security
        res.check("; behind TLS; Secure cookies, Strict-Transport-Security)" in "".join(srv.out),
                  "the start-up line: %r" % srv.out)
        c = Client(srv.port)
        for path in ("/", "/api/v1/session", "/api/v1/no-such-route"):
            r = c.get(path)
            res.eq(r.header("strict-transport-security"), "max-age=31536000",
                   "Strict-Transport-Security on GET %s (%d)" % (path, r.status))
        r = c.login("operator", "demo-operator")
        cookie = r.header("set-cookie") or ""
        res.check(re.search(r";\s*Secure(;|$)", cookie) is not None, "Secure with --behind-tls: %r" % cookie)
        for part in ("HttpOnly", "SameSite=Strict", "Path=/"):
            res.check(part in cookie, "still %s: %r" % (part, cookie))
        r = c.request("DELETE", "/api/v1/session")
        res.check("Secure" in (r.header("set-cookie") or "") and "Max-Age=0" in (r.header("set-cookie") or ""),
                  "the log-out's cookie is Secure too: %r" % r.header("set-cookie"))
    finally:
        status, out, err = stop(res, srv)
    res.check("warning" not in err, "no warning on the loopback: %r" % err)


def t_bind_warning(res, port, protect, db):
    """Listening beyond the loopback without --behind-tls warns on stderr."""
    for extra, warn in (([], True), (["--behind-tls"], False)):
        p = subprocess.Popen([protect, "--db", db, "serve", "--bind", "0.0.0.0", "--port", "0"] + extra,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        res.check("listening on http://0.0.0.0:" in line, "serve on 0.0.0.0: %r" % line)
        time.sleep(0.3)
        p.terminate()
        out, err = p.communicate(timeout=30)
        res.eq(p.returncode, 0, "exit status on 0.0.0.0 %s" % extra)
        said = "warning" in err and "without TLS" in err and "--behind-tls" in err
        res.check(said == warn, "0.0.0.0 %s: warning %s: %r" % (extra, "expected" if warn else "not expected", err))


def t_no_path(res, port, protect, db):
    """No answer names a path of the server, even when the audit key file is broken."""
    work = tempfile.mkdtemp(prefix="pt_http_nopath_")
    srv = None
    try:
        kdb = os.path.join(work, "paths.db")
        rc, out, err = run_protect(protect, "--db", kdb, "demo")
        res.eq(rc, 0, "demo for the path test")
        srv = Server(protect, kdb).start()
        sessions = {u: login(res, srv.port, u) for u in ("coordinator", "operator")}
        # serve refuses to start on a broken key file, so it breaks under the running server
        with open(kdb + ".key", "wb") as f:
            f.write(b"\x00\x01 not a key file")
        answers = []
        co, op = sessions["coordinator"], sessions["operator"]
        for c, method, path, body in ((co, "GET", "/api/v1/sites", None), (co, "GET", "/api/v1/ranking/fema", None),
                                      (co, "GET", "/api/v1/matrix/fema", None), (co, "GET", "/api/v1/sites/VM-001", None),
                                      (co, "GET", "/api/v1/plan?budget=1000", None),
                                      (op, "PATCH", "/api/v1/sites/VM-001", {"name": "x"}),
                                      (Client(srv.port), "POST", "/api/v1/session", {"user": "operator", "password": "demo-operator"}),
                                      (op, "GET", "/api/v1/nowhere", None), (op, "GET", "/vendor/leaflet/../../x", None)):
            r = c.request(method, path, body)
            answers.append((method, path, r.status, r.raw))
        res.check(any(a[2] == 500 for a in answers), "the broken key file fails the audited requests")
        for method, path, status, raw in answers:
            res.check(work.encode() not in raw and b"paths.db" not in raw and b".key" not in raw,
                      "%s %s (%d) names no path: %r" % (method, path, status, raw[:200]))
        status, out, err = stop(res, srv)
        srv = None
        res.check("paths.db.key" in err, "the server's log has the detail: %r" % err[-300:])
    finally:
        if srv:
            stop(res, srv)
        shutil.rmtree(work, ignore_errors=True)


def t_nul_target(res, port, protect, db):
    """A NUL in the request target (which libmicrohttpd would cut) is 400, whatever follows it."""
    for target in (b"/index.html\x00.png", b"/index.html\x00", b"/api/v1/catalog/threats\x00x",
                   b"/api/v1/sites?limit=5\x00&offset=0", b"/index.html\x00HTTP/1.1", b"/\x00/../etc/passwd"):
        raw = raw_exchange(port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        res.eq(status_of(raw), 400, "GET %r" % target)
        res.check(b"NUL" in body_of(raw), "the 400 says why: %r" % body_of(raw))
    raw = raw_exchange(port, b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    res.eq(status_of(raw), 200, "the same target without the NUL")
    raw = raw_exchange(port, b"GET /index.html?x=1&y=%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    res.eq(status_of(raw), 200, "an escaped %00 in a static query is just text")


def t_serve_options(res, port, protect, db):
    """Bad resource options are refused with the option named (64 usage, 65 bad value)."""
    for args, status, text in ((["--per-address-max", "0"], 64, "--per-address-max: '0'"),
                               (["--idle-timeout", "x"], 64, "--idle-timeout: 'x'"),
                               (["--body-min-rate", "-1"], 64, "--body-min-rate: '-1'"),
                               (["--connections-max", "100001"], 64, "--connections-max: '100001'"),
                               (["--body-budget", "0"], 64, "--body-budget: '0'"),
                               (["--proxy-header", "X-Real-IP"], 64, "--proxy-header needs --proxy"),
                               (["--proxy", "proxy.example"], 65, "proxy: 'proxy.example' is not an IPv4 or IPv6 address"),
                               (["--proxy", "127.0.0.2", "--proxy-header", "X Y"], 65, "proxy-header: 'X Y' is not a header name"),
                               (["--upload-max", str(32 * MIB), "--body-budget", str(32 * MIB)], 65,
                                "body-budget: the body budget (33554432 bytes) must hold one upload")):
        rc, out, err = run_protect(protect, "--db", db, "serve", "--port", "0", *args)
        res.eq(rc, status, "serve %s" % " ".join(args))
        res.check(text in err, "serve %s says %r: %r" % (" ".join(args), text, err[-300:]))


PUBLIC_BODY_MAX = 8192  # bytes a route without a session takes (docs/api.md)
JSON_BODY_MAX = 65536  # ... a JSON route with a session (issue 10 fix F4)
ROWS_BODY_MAX = 262144  # ... an assessment PATCH (up to 200 rows)


def send_chunks_until_answer(s, head, most, chunk=4096):
    """Send head, then a chunked body of up to `most` bytes, 4 KiB a chunk, until the server
    answers; return the answer (b"" when none came) and the bytes of body sent."""
    import select
    s.sendall(head)
    sent = 0
    data = b"z" * chunk
    try:
        while sent < most:
            if select.select([s], [], [], 0)[0]:
                break
            s.sendall(b"%x\r\n%s\r\n" % (len(data), data))
            sent += len(data)
        else:
            s.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # closed by the server: its answer is read below
    return read_answer(s), sent


def public_head(path, length, extra=b""):
    return (b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n%s\r\n" % (path.encode(), length, extra))


def t_public_body(res, port, protect, db):
    """Routes without a session (the log-in steps) take 8 KiB at most, judged from Content-Length
    before the body: callers without a log-in cannot fill the body budget (before this, 63
    trickling 1 MiB log-ins blocked every import with 503). Routes with a session keep 1 MiB."""
    for path in ("/api/v1/session", "/api/v1/session/second-factor", "/api/v1/session/enrolment"):
        for length in (MIB, PUBLIC_BODY_MAX + 1):
            s = connect(port)
            s.sendall(public_head(path, length))  # the headers only
            raw = read_answer(s)
            s.close()
            res.eq(status_of(raw), 413, "POST %s declaring %d bytes, answered before the body" % (path, length))
            res.check(b"the body is over its limit of 8192 bytes" in raw, "the 413 names the limit: %r" % body_of(raw))
    srv = Server(protect, db, ["--upload-max", str(MIB), "--body-budget", str(2 * MIB + 300000)]).start()
    held = []
    try:
        op = login(res, srv.port, "operator")
        # 60 log-ins declaring 1 MiB: each refused at once, nothing of the budget held.
        for _ in range(60):
            s = connect(srv.port)
            s.sendall(public_head("/api/v1/session", MIB) + b'{"user": ')
            held.append(s)
        answers = [status_of(read_answer(s)) for s in held]
        res.eq(answers, [413] * 60, "60 log-ins declaring 1 MiB each")
        for s in held:
            s.close()
        # 60 log-ins held open within the cap, their bodies trickling: an import still fits.
        held = []
        for _ in range(60):
            s = connect(srv.port)
            s.sendall(public_head("/api/v1/session", PUBLIC_BODY_MAX) + b'{"user": ')
            held.append(s)
        time.sleep(0.5)
        r = op.request("POST", "/api/v1/imports/sites", "id,name\n" + "z" * 900000, ctype="text/csv")
        res.eq(r.status, 400, "an import of 0.9 MiB while 60 log-in bodies are pending (read, not 503): %r" % r)
        # Routes with a session take 64 KiB of JSON (issue 10 fix F4; test json-route-cap).
        s = connect(srv.port)
        s.sendall(json_head(op, "PATCH", "/api/v1/sites/VM-001", JSON_BODY_MAX + 1))
        raw = read_answer(s)
        s.close()
        res.eq(status_of(raw), 413, "a JSON body of 64 KiB + 1 byte with a session")
        res.check(b"over its limit of 65536 bytes" in raw, "the 413 names 64 KiB: %r" % body_of(raw))
        body = '{"name": "' + "x" * (JSON_BODY_MAX - 32) + '"}'
        body += " " * (JSON_BODY_MAX - len(body))
        r = op.request("PATCH", "/api/v1/sites/VM-001", body)
        res.check(r.status == 400 and (r.json or {}).get("field") == "name",
                  "a JSON body of 64 KiB with a session is read: %r" % r)
    finally:
        for s in held:
            s.close()
        stop(res, srv)


def json_head(c, method, path, length):
    return ("%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Cookie: pt_session=%s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
            % (method, path, c.cookie, c.csrf, length)).encode()


def t_json_route_cap(res, port, protect, db):
    """JSON bodies are sized to what their routes need, judged from Content-Length before the
    body (issue 10 fix F4): relief (a viewer, who may not even write) used to hold 64 x 1 MiB
    of the body budget with slow site PATCHes and block an operator's import with 503."""
    srv = Server(protect, db, ["--upload-max", str(4 * MIB), "--per-address-max", "200"]).start()
    held = []
    try:
        relief = login(res, srv.port, "relief")
        for _ in range(64):
            s = connect(srv.port)
            s.sendall(json_head(relief, "PATCH", "/api/v1/sites/NG-001", MIB) + b'{"name": ')
            held.append(s)
        answers = [read_answer(s) for s in held]
        res.eq([status_of(a) for a in answers], [413] * 64, "64 site PATCHes declaring 1 MiB, answered before the body")
        res.check(b"over its limit of 65536 bytes" in answers[0], "the 413 names 64 KiB: %r" % body_of(answers[0]))
        for s in held:
            s.close()
        held = []
        # Meanwhile an operator's 3 MB import is read (a bad row: 400, not 503).
        op = login(res, srv.port, "operator")
        r = op.request("POST", "/api/v1/imports/sites", "id,name\n" + "z" * (3 * 1000 * 1000), ctype="text/csv")
        res.eq(r.status, 400, "an operator's 3 MB import after relief's PATCHes: %r" % r)
        # The assessment PATCHes (up to 200 rows) take 256 KiB; every other JSON route 64 KiB.
        for method, path, limit in (("PATCH", "/api/v1/sites/VM-001/assessments/quant", ROWS_BODY_MAX),
                                    ("PATCH", "/api/v1/sites/VM-001/assessments/fema", ROWS_BODY_MAX),
                                    ("POST", "/api/v1/plans", JSON_BODY_MAX),
                                    ("POST", "/api/v1/register/VM-001/T1", JSON_BODY_MAX),
                                    ("POST", "/api/v1/users", JSON_BODY_MAX)):
            s = connect(srv.port)
            s.sendall(json_head(op, method, path, limit + 1))
            raw = read_answer(s)
            s.close()
            res.eq(status_of(raw), 413, "%s %s declaring %d bytes" % (method, path, limit + 1))
            res.check(b"over its limit of %d bytes" % limit in raw, "the 413 names %d: %r" % (limit, body_of(raw)))
        # 200 quant rows written out at length fit in 256 KiB.
        row = {"threat_id": "T-0000000000001", "p_attempt": {"min": 0.1234567890123456, "mode": 0.2234567890123456, "max": 0.3234567890123456},
               "p_success": {"min": 0.1234567890123456, "mode": 0.2234567890123456, "max": 0.3234567890123456},
               "fatalities": {"min": 1234567.123456789, "mode": 2234567.123456789, "max": 3234567.123456789},
               "injuries": {"min": 1234567.123456789, "mode": 2234567.123456789, "max": 3234567.123456789},
               "loss_eur": {"min": 123456789012.12345, "mode": 223456789012.12345, "max": 323456789012.12345}}
        text = json.dumps({"items": [row] * 200}, indent=2)
        res.check(len(text) <= ROWS_BODY_MAX, "200 quant rows with indent: %d bytes" % len(text))
        r = op.request("PATCH", "/api/v1/sites/VM-001/assessments/quant", text)
        res.check(r.status != 413, "200 quant rows are read: %r" % r)
    finally:
        for s in held:
            s.close()
        stop(res, srv)


def t_user_share(res, port, protect, db):
    """One user holds at most two uploads' worth of body bytes at once (issue 10 fix F4): over
    its share a session gets 503 while another user's import is still read."""
    srv = Server(protect, db, ["--upload-max", str(MIB), "--body-budget", str(8 * MIB),
                               "--per-address-max", "200"]).start()
    held = []
    try:
        relief = login(res, srv.port, "relief")
        share = 2 * (MIB + 1)
        n = share // (JSON_BODY_MAX + 1)  # JSON bodies of 64 KiB that fit in the share
        for _ in range(n):
            s = connect(srv.port)
            s.sendall(json_head(relief, "PATCH", "/api/v1/sites/NG-001", JSON_BODY_MAX) + b'{"name": ')
            held.append(s)
        time.sleep(0.5)
        s = connect(srv.port)
        s.sendall(json_head(relief, "PATCH", "/api/v1/sites/NG-001", JSON_BODY_MAX))
        raw = read_answer(s)
        s.close()
        res.eq(status_of(raw), 503, "relief's PATCH over its share (%d held), answered before the body" % n)
        res.check(re.search(rb"(?i)\r\nretry-after: *\d+", raw) is not None, "503 with Retry-After: %r" % raw[:300])
        res.check(b"you hold too many request bodies" in raw, "the 503 says whose: %r" % body_of(raw))
        # Another session of the same user shares the share.
        relief2 = login(res, srv.port, "relief")
        s = connect(srv.port)
        s.sendall(json_head(relief2, "PATCH", "/api/v1/sites/NG-001", JSON_BODY_MAX))
        res.eq(status_of(read_answer(s)), 503, "relief's second session, over the same share")
        s.close()
        # Another user's import is read meanwhile.
        op = login(res, srv.port, "operator")
        r = op.request("POST", "/api/v1/imports/sites", "id,name\n" + "z" * 900000, ctype="text/csv")
        res.eq(r.status, 400, "an operator's 0.9 MiB import while relief holds its share (read, not 503): %r" % r)
        # An operator's own uploads: two fit, a third is over the share (once the import above
        # has given its bytes back: the server does so when its answer has gone out).
        time.sleep(0.5)
        for _ in range(2):
            s = connect(srv.port)
            s.sendall(upload_head(op, "/api/v1/imports/sites", MIB) + b"id,name\n")
            held.append(s)
        time.sleep(0.5)
        s = connect(srv.port)
        s.sendall(upload_head(op, "/api/v1/imports/sites", 1000))
        raw = read_answer(s)
        s.close()
        res.eq(status_of(raw), 503, "an operator's third pending upload: %r" % raw[:200])
        # Given back when the connections close.
        for s in held:
            s.close()
        held = []
        time.sleep(0.5)
        r = relief.request("PATCH", "/api/v1/sites/NG-001", {"name": "x"})
        res.check(r.status not in (413, 503), "relief's PATCH once its bodies are gone is read: %r" % r)
    finally:
        for s in held:
            s.close()
        stop(res, srv)


def t_body_cut(res, port, protect, db):
    """A chunked body past its limit has its connection closed at once: nothing more is read
    (issue 10 fix; before it, 40 MB of a chunked log-in were read before the 413). No 413 can be
    sent then (libmicrohttpd answers only before a body or after it); a body with a
    Content-Length over the limit is answered 413 before its first byte (test public-body)."""
    for path in ("/api/v1/session", "/api/v1/session/second-factor", "/api/v1/session/enrolment"):
        s = connect(port)
        head = (b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" % path.encode())
        raw, sent = send_chunks_until_answer(s, head, 16 * MIB)
        s.close()
        res.eq(raw, b"", "a chunked body of POST %s past 8 KiB: closed" % path)
        res.check(sent < 4 * MIB, "closed long before 16 MiB were sent (%d bytes sent)" % sent)
    op = login(res, port, "operator")
    for head, limit in ((upload_head(op, "/api/v1/imports/sites", 0, chunked=True), 16 * MIB),
                        (json_head(op, "PATCH", "/api/v1/sites/VM-001", 0).replace(
                            b"Content-Length: 0", b"Transfer-Encoding: chunked"), JSON_BODY_MAX)):
        s = connect(port)
        # The client's own kernel send buffer (up to 4 MiB on loopback) is not the server's
        # reading: keep it small so that "sent" measures what the server took in.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 1024)
        raw, sent = send_chunks_until_answer(s, head, limit + 8 * MIB)
        s.close()
        res.eq(raw, b"", "a chunked body past %d bytes: closed" % limit)
        res.check(sent < limit + 4 * MIB, "closed soon after the limit (%d bytes sent)" % sent)
    # The server goes on: a log-in right after.
    res.eq(Client(port).login("operator", "demo-operator").status, 200, "a log-in after the cut bodies")


def t_ipv6_per_address(res, port, protect, db):
    """On IPv6 the server counts direct clients itself (issue 10 fix F7: per /64, not per /128
    as libmicrohttpd would; the grouping is tests/unit/test_http_limits.c): at most
    --per-address-max connections from ::1. Skipped where the loopback has no IPv6."""
    try:
        probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        return
    proc = subprocess.Popen([protect, "--db", db, "serve", "--bind", "::1", "--port", "0",
                             "--per-address-max", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    socks = []
    try:
        line = proc.stdout.readline()
        m = re.search(r"listening on http://\[?::1\]?:(\d+)/", line)
        res.check(m is not None, "the server listens on ::1: %r" % line)
        if not m:
            return
        p6 = int(m.group(1))
        for _ in range(2):
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(("::1", p6))
            socks.append(s)
        for s in socks:
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            res.eq(status_of(read_answer(s)), 200, "a request on one of 2 IPv6 connections")
        extra = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        extra.settimeout(10)
        extra.connect(("::1", p6))
        res.check(closed_without_answer(extra), "the third connection from ::1 is closed")
        extra.close()
        socks.pop().close()
        time.sleep(0.5)
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(("::1", p6))
        s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        res.eq(status_of(read_answer(s)), 200, "a connection once one of the two closed")
        s.close()
    finally:
        for s in socks:
            s.close()
        proc.terminate()
        try:
            err = proc.communicate(timeout=30)[1]
        except subprocess.TimeoutExpired:
            proc.kill()
            err = proc.communicate()[1]
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])


TESTS = [("import-right-first", t_import_right_first), ("body-budget", t_body_budget),
         ("per-address", t_per_address), ("idle-and-rate", t_idle_and_rate), ("proxy", t_proxy),
         ("tls-cookie", t_tls_cookie), ("bind-warning", t_bind_warning), ("no-path", t_no_path),
         ("nul-target", t_nul_target), ("serve-options", t_serve_options),
         ("public-body", t_public_body),  # issue 10 fix
         ("json-route-cap", t_json_route_cap), ("user-share", t_user_share),  # issue 10 fix F4
         ("body-cut", t_body_cut), ("ipv6-per-address", t_ipv6_per_address)]  # issue 10 fix: a body past its limit is not read on
