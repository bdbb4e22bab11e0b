# second_factor.py - HTTP tests of the second factor (issue 10) on a fresh `protect init`
# registry, which requires one of coordinators: enrolment with a QR code, the code as a second
# step or in the log-in request, replay refused, recovery codes, failures throttled, the CLI's
# reset (audited), user names without regard to case. Codes come from Debian's oathtool.
import os
import subprocess

from httplib import Client, Server, run_protect

COORD_PW = "copper kettle winter"
VIEWER_PW = "velvet harbour lamp"


def totp(secret, when="now"):
    return subprocess.run(["oathtool", "--totp", "-b", "-N", when, secret], check=True,
                          capture_output=True, text=True).stdout.strip()


def setup(res, protect, work):
    db = os.path.join(work, "second_factor.db")
    for args in (["init"], ["org", "add", "Test Ministry", "--type", "government"]):
        rc, out, err = run_protect(protect, "--db", db, *args)
        if rc != 0:
            raise RuntimeError("protect %s: %s" % (" ".join(args), err))
    for name, role, pw in (("coord", "coordinator", COORD_PW), ("viewer1", "viewer", VIEWER_PW)):
        rc, out, err = run_protect(protect, "--db", db, "user", "add", name, "--org", "Test Ministry",
                                   "--role", role, "--password-stdin", stdin=pw + "\n")
        if rc != 0:
            raise RuntimeError("protect user add %s: %s" % (name, err))
    rc, out, err = run_protect(protect, "--db", db, "user", "second-factor")
    res.eq((rc, out.strip()), (0, "second factor required for admins, coordinators and analysts"),
           "a registry made by init requires a second factor")
    return db


def login(c, user, password, code=None):
    body = {"user": user, "password": password}
    if code is not None:
        body["code"] = code
    return c.request("POST", "/api/v1/session", body)


def run(res, protect, work):
    db = setup(res, protect, work)
    srv = Server(protect, db, ["--threads", "4"]).start()
    try:
        port = srv.port
        # A viewer needs no second factor; the user name in any case.
        v = Client(port)
        res.eq(v.login("VIEWER1", VIEWER_PW).status, 200, "a viewer logs in with the password alone")
        res.eq((v.get("/api/v1/session").json or {}).get("user", {}).get("name"), "viewer1",
               "the stored name, whatever the case typed")
        # The coordinator: the password alone opens no session; enrolment first.
        c = Client(port)
        r = login(c, "coord", COORD_PW)
        res.eq(r.status, 401, "a coordinator's password alone: %r" % r)
        j = r.json or {}
        res.eq((j.get("error"), j.get("second_factor")), ("second factor enrolment required", "enrol"),
               "it says enrolment is required")
        pending = j.get("pending_token", "")
        res.eq(len(pending), 43, "a pending token")
        res.check(r.header("set-cookie") is None and c.cookie is None, "no session cookie yet")
        res.check(isinstance(j.get("expires"), int), "the pending log-in's end: %r" % j)
        r = c.request("POST", "/api/v1/session/second-factor", {"pending_token": pending, "code": "123456"})
        res.eq(r.status, 409, "a code before enrolment: %r" % r)
        r = c.request("POST", "/api/v1/session/enrolment", {"pending_token": "x" * 43})
        res.eq(r.status, 401, "enrolment with an unknown pending token: %r" % r)
        r = c.request("POST", "/api/v1/session/enrolment", {"pending_token": pending})
        res.eq(r.status, 200, "enrolment: %r" % r)
        e = r.json or {}
        secret = e.get("secret", "")
        res.eq(len(secret), 32, "a 160-bit base32 secret")
        res.check(e.get("otpauth_uri", "").startswith("otpauth://totp/protect:coord?secret=" + secret),
                  "the otpauth:// URI: %r" % e.get("otpauth_uri"))
        res.check(e.get("qr_svg", "").startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
                  and e.get("qr_svg", "").endswith("</svg>"), "a QR code as SVG")
        code = totp(secret)
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        r = c.request("POST", "/api/v1/session/second-factor", {"pending_token": pending, "code": wrong})
        res.eq((r.status, (r.json or {}).get("field")), (401, "code"), "a wrong code: %r" % r)
        r = c.request("POST", "/api/v1/session/second-factor", {"pending_token": pending, "code": code})
        res.eq(r.status, 200, "the first code confirms enrolment and logs in: %r" % r)
        j = r.json or {}
        recovery = j.get("recovery_codes", [])
        res.eq(len(recovery), 10, "ten recovery codes, shown once")
        res.check(c.cookie is not None and c.get("/api/v1/session").status == 200, "a session")
        c.csrf = j.get("csrf_token")
        # The next log-in: a code; the one just used is refused (a replay), a later one taken.
        c2 = Client(port)
        r = login(c2, "Coord", COORD_PW)
        j = r.json or {}
        res.eq((r.status, j.get("second_factor"), j.get("error")), (401, "code", "second factor required"),
               "an enrolled coordinator is asked for a code")
        # Enrolment over a confirmed second factor: 409 (docs/api.md), from a pending log-in or a session.
        r = c2.request("POST", "/api/v1/session/enrolment", {"pending_token": j.get("pending_token")})
        res.eq(r.status, 409, "enrolment with a pending token of an enrolled user: %r" % r)
        res.check("set up already" in (r.json or {}).get("error", ""), "the 409 says why: %r" % r)
        r = c.request("POST", "/api/v1/account/second-factor", {})
        res.eq(r.status, 409, "enrolment from the session of an enrolled user: %r" % r)
        r = c2.request("POST", "/api/v1/session/second-factor", {"pending_token": j.get("pending_token"), "code": code})
        res.eq(r.status, 401, "the same code again (a replay within its window): %r" % r)
        r = c2.request("POST", "/api/v1/session/second-factor",
                       {"pending_token": j.get("pending_token"), "code": totp(secret, "now + 30 seconds")})
        res.eq(r.status, 200, "a later code: %r" % r)
        res.check("recovery_codes" not in (r.json or {}), "recovery codes only at enrolment")
        # A recovery code in the log-in request itself: once.
        r = login(Client(port), "coord", COORD_PW, recovery[0])
        res.eq(r.status, 200, "a recovery code in the log-in request: %r" % r)
        r = login(Client(port), "coord", COORD_PW, recovery[0])
        res.eq((r.status, (r.json or {}).get("field")), (401, "code"), "a used recovery code: %r" % r)
        r = login(Client(port), "coord", "wrong password", recovery[1])
        res.eq((r.status, (r.json or {}).get("error")), (401, "wrong user name or password"),
               "a wrong password with a right code")
        # `user list` shows who has a second factor: enrolled, 9 recovery codes left.
        rc, out, err = run_protect(protect, "--db", db, "user", "list", "--format", "csv")
        res.check("coord,coordinator,Test Ministry,government,enrolled,9" in out.splitlines(),
                  "user list: the coordinator enrolled, 9 codes left: %r" % out)
        res.check("viewer1,viewer,Test Ministry,government,none,0" in out.splitlines(),
                  "user list: the viewer without one: %r" % out)
        # The CLI resets the factor (audited): sessions end, the coordinator enrols again.
        rc, out, err = run_protect(protect, "--db", db, "user", "reset-2fa", "COORD")
        res.eq(rc, 0, "protect user reset-2fa: %s" % err)
        res.check("second factor of coord reset" in out, "it says so, in the stored spelling: %r" % out)
        res.eq(c.get("/api/v1/session").status, 401, "the reset ended the coordinator's sessions")
        rc, out, err = run_protect(protect, "--db", db, "audit", "list", "--limit", "5", "--format", "csv")
        res.check(",user.second_factor.reset,users,coord," in out, "the reset is audited: %r" % out[-600:])
        rc, out, err = run_protect(protect, "--db", db, "user", "reset-2fa", "nobody")
        res.eq(rc, 65, "reset-2fa of an unknown user")
        r = login(Client(port), "coord", COORD_PW)
        res.eq((r.status, (r.json or {}).get("second_factor")), (401, "enrol"), "after the reset: enrol again")
        rc, out, err = run_protect(protect, "--db", db, "user", "reset-2fa", "coord")
        res.eq((rc, out.strip()), (0, "coord has no second factor; nothing to reset"),
               "a second reset: nothing to reset (%s)" % err)
        # Wrong codes count as failed log-ins with wrong passwords: two are counted since the last
        # log-in (the used recovery code, the wrong password), so the third wrong code is the fifth
        # failure and blocks the name (429 with Retry-After).
        c3 = Client(port)
        r = login(c3, "coord", COORD_PW)
        pending = (r.json or {}).get("pending_token")
        e = (c3.request("POST", "/api/v1/session/enrolment", {"pending_token": pending}).json or {})
        statuses = [c3.request("POST", "/api/v1/session/second-factor",
                               {"pending_token": pending, "code": "00000x"}).status for _ in range(5)]
        res.eq(statuses, [401, 401, 401, 429, 429], "wrong codes until the name is blocked")
        r = c3.request("POST", "/api/v1/session/second-factor",
                       {"pending_token": pending, "code": totp(e.get("secret", "AAAA"))})
        res.eq(r.status, 429, "blocked, even with the right code: %r" % r)
        res.check(r.header("retry-after") is not None, "with Retry-After")
    finally:
        srv.stop()
