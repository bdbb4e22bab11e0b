# httplib.py - what the HTTP tests share: a protect server on 127.0.0.1 with a
# fresh database in a temporary directory, a client keeping its session, checks.
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

SERVER_START_S = 20      # longest wait for "listening on"
REQUEST_TIMEOUT_S = 60   # longest wait for one response


class Results:
    """Counts checks; prints one FAIL line per failed check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.current = ""

    def ok(self):
        self.passed += 1

    def bad(self, msg):
        self.failed += 1
        print("FAIL %s: %s" % (self.current, msg), flush=True)

    def check(self, cond, msg):
        if cond:
            self.ok()
        else:
            self.bad(msg)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, expected %r" % (what, got, want))


class Server:
    """protect serve on 127.0.0.1, port chosen by the kernel."""

    def __init__(self, protect, db, args=(), env=None):
        self.protect = protect
        self.db = db
        self.args = list(args)
        self.env = env
        self.proc = None
        self.port = None
        self.out = []

    def start(self):
        cmd = [self.protect, "--db", self.db, "serve", "--bind", "127.0.0.1", "--port", "0"] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=self.env, text=True)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.out.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                return self
        err = self.proc.stderr.read() if self.proc.poll() is not None else ""
        raise RuntimeError("server did not start: %s %s" % ("".join(self.out), err))

    def stop(self, sig=signal.SIGTERM, timeout=30, signalled=False):
        """Stop with sig (unless signalled already); returns (exit status, stdout, stderr)."""
        if self.proc is None:
            return None, "", ""
        if not signalled and self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            return "timeout", out, err
        status = self.proc.returncode
        self.proc = None
        return status, "".join(self.out) + out, err


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.json = None
        ctype = headers.get("content-type", "")
        if ctype.startswith("application/json") and body:
            try:
                self.json = json.loads(body)
            except ValueError:
                self.json = None

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "%d %s" % (self.status, self.body[:300])


class Client:
    """An HTTP client of one user: keeps the session cookie and the CSRF token."""

    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None
        self.user = None

    def request(self, method, path, body=None, headers=None, ctype=None, csrf=True,
                cookie=True):
        h = {}
        data = None
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = json.dumps(body).encode()
                ctype = ctype or "application/json"
            h["Content-Type"] = ctype or "application/json"
        if cookie and self.cookie:
            h["Cookie"] = "pt_session=" + self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if headers:
            h.update(headers)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            raw = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if "set-cookie" in hdrs:
                m = re.match(r"pt_session=([^;]*)", hdrs["set-cookie"])
                if m:
                    self.cookie = m.group(1) or None
            try:
                text = raw.decode()
            except UnicodeDecodeError:
                text = ""
            resp = Response(r.status, hdrs, text)
            resp.raw = raw
            return resp
        finally:
            conn.close()

    def login(self, user, password):
        r = self.request("POST", "/api/v1/session", {"user": user, "password": password})
        if r.status == 200 and r.json:
            self.csrf = r.json.get("csrf_token")
            self.user = user
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)


def raw_exchange(port, data, timeout=10):
    """Send raw bytes on a new connection; return everything read until close."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        s.close()


def run_protect(protect, *args, stdin=None):
    p = subprocess.run([protect] + list(args), input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr
