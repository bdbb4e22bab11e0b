# alerts.py - HTTP tests of issue 13: public alerts through the API and the paths without a
# log-in. The two-person rule (pio composes, a second person approves), who may compose, a
# hidden site's 404, the feed's exclusions (Exercise, Test, pending, rejected), chains (one
# entry each, a Cancel until the cancelled message's expiry, expired ones leave: servers
# restarted on the same registry with a later fixed clock, PROTECT_NOW), caching headers and
# 304, the rate limit (429), update/cancel of the latest only (409), preview storing nothing,
# 400s naming the field. Every CAP message is checked against cap12.xsd with xmllint when the
# fixtures are there (PROTECT_CAP_FIXTURES), and the feed is read with Python's XML parser.
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from httplib import Client, Server, run_protect

T0 = "2026-12-01T00:00Z"  # the runner's fixed clock: every message is composed then
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_URL = "http://127.0.0.1:8080"  # alert.public_url's default
SITE = "VM-003"        # GREEN (Northgate Utilities): every demo user reads it
OTHER_SITE = "VM-007"  # GREEN too
HIDDEN = "VM-002"      # AMBER+STRICT of Northgate Utilities: hidden from the Ministry's coordinator
TEMPLATES = {"armed-attack", "armed-attack-hospital", "explosion", "vehicle-attack", "chemical-release",
             "all-clear"}


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def fixtures_dir():
    d = os.environ.get("PROTECT_CAP_FIXTURES")
    if not d:
        top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        d = os.path.join(top, "..", "shared", "fixtures", "cap")
    return d if os.path.isfile(os.path.join(d, "cap12.xsd")) else None


class CapCheck:
    """Every CAP message the tests see, checked against the official schema with xmllint."""

    def __init__(self, res):
        self.res = res
        self.dir = fixtures_dir()
        self.seen = 0
        self.tmp = tempfile.mkdtemp(prefix="pt_cap_")
        if not self.dir:
            print("SKIP alerts: no CAP fixtures (PROTECT_CAP_FIXTURES or ../shared/fixtures/cap): "
                  "the CAP messages are not checked against cap12.xsd", flush=True)
        elif not shutil.which("xmllint"):
            print("SKIP alerts: no xmllint: the CAP messages are not checked against cap12.xsd", flush=True)
            self.dir = None

    def check(self, data, what):
        if not self.dir:
            return
        if isinstance(data, str):
            data = data.encode()
        path = os.path.join(self.tmp, "m%d.cap" % self.seen)
        self.seen += 1
        with open(path, "wb") as f:
            f.write(data)
        p = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", os.path.join(self.dir, "cap12.xsd"), path],
                           capture_output=True, text=True)
        self.res.check(p.returncode == 0, "%s: xmllint --schema cap12.xsd: %s" % (what, p.stderr[-400:]))

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def feed(res, port, what):
    """GET /alerts.atom without a session: (response, {chain: entry}) with the XML parsed."""
    r = Client(port).get("/alerts.atom")
    res.eq(r.status, 200, what + ": GET /alerts.atom")
    res.eq(r.header("content-type"), "application/atom+xml; charset=utf-8", what + ": the feed's type")
    entries = {}
    try:
        root = ET.fromstring(r.raw)
    except ET.ParseError as e:
        res.bad("%s: the feed is not XML: %s" % (what, e))
        return r, entries
    res.eq(root.tag, ATOM + "feed", what + ": an Atom feed")
    for e in root.findall(ATOM + "entry"):
        eid = e.findtext(ATOM + "id") or ""
        chain = eid.rsplit("/", 1)[-1]
        link = e.find(ATOM + "link")
        entries[chain] = {"id": eid, "title": e.findtext(ATOM + "title"), "updated": e.findtext(ATOM + "updated"),
                          "summary": e.findtext(ATOM + "summary"),
                          "href": link.get("href") if link is not None else None,
                          "type": link.get("type") if link is not None else None,
                          "rel": link.get("rel") if link is not None else None}
    return r, entries


CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def cap_event_area(xml, lang):
    """The event and the first areaDesc of the info block in lang of a CAP message."""
    root = ET.fromstring(xml.encode())
    for info in root.findall(CAP + "info"):
        if info.findtext(CAP + "language") == lang:
            return info.findtext(CAP + "event"), info.find(CAP + "area").findtext(CAP + "areaDesc")
    return None, None


def compose(res, c, body, what, status=201):
    r = c.request("POST", "/api/v1/alerts", body)
    res.check(r.status == status, "%s: compose %d, expected %d: %s" % (what, r.status, status, r.body[:300]))
    return r.json or {}


def approve(res, c, aid, what, status=200):
    r = c.request("POST", "/api/v1/alerts/%s/approve" % aid)
    res.check(r.status == status, "%s: approve %d, expected %d: %s" % (what, r.status, status, r.body[:300]))
    return r.json or {}


def t_two_person(res, port, caps):
    pio, coord = login(res, port, "pio"), login(res, port, "coordinator")
    anon = Client(port)
    r = pio.get("/api/v1/alert-templates")
    res.eq(r.status, 200, "templates")
    ts = {t["id"]: t for t in (r.json or {}).get("templates", [])}
    res.eq(set(ts), TEMPLATES, "the built-in templates")
    res.eq([l["language"] for l in ts.get("armed-attack", {}).get("languages", [])], ["en", "mk", "sq"],
           "armed-attack's languages")
    res.check("{site}" in ts.get("armed-attack", {}).get("languages", [{}])[0].get("headline", ""),
              "templates keep their placeholders")
    r = pio.request("POST", "/api/v1/alerts", {"template": "armed-attack", "site_id": SITE})
    res.eq(r.status, 201, "pio composes an Actual alert: %s" % r.body[:200])
    a = r.json or {}
    aid = a.get("identifier", "none")
    res.eq(r.header("location"), "/api/v1/alerts/" + aid, "the 201 says where")
    res.eq((a.get("state"), a.get("status"), a.get("msg_type"), a.get("composer"), a.get("approver"), a.get("in_feed")),
           ("pending", "Actual", "Alert", "pio", None, False), "a pending Actual message")
    res.eq(a.get("languages"), ["en", "mk", "sq"], "three languages")
    res.eq([k["language"] for k in a.get("cb", [])], ["en", "mk", "sq"], "a cell-broadcast count per language")
    res.check(a.get("xml", "").startswith("<?xml"), "the reply holds the bytes")
    caps.check(a.get("xml", ""), "the composed message")
    _, entries = feed(res, port, "pending")
    res.check(aid not in entries, "a pending message is not in the feed")
    res.eq(anon.get("/alerts/%s.cap" % aid).status, 404, "a pending message's public CAP: 404")
    r = pio.get("/api/v1/alerts/%s/cap" % aid)
    res.eq((r.status, r.header("content-type")), (200, "application/cap+xml"), "the composer reads the pending bytes")
    res.eq(r.body, a.get("xml"), "the bytes are the composed ones")
    # the composer may not approve its own message
    r = pio.request("POST", "/api/v1/alerts/%s/approve" % aid)
    res.eq((r.status, (r.json or {}).get("code")), (403, "same_person"), "pio approving its own: %s" % r.body[:200])
    res.eq(pio.get("/api/v1/alerts/" + aid).json.get("state"), "pending", "still pending")
    r = coord.request("POST", "/api/v1/alerts/%s/approve" % aid, csrf=False)
    res.eq(r.status, 403, "an approval without the CSRF token")
    b = approve(res, coord, aid, "the coordinator")
    res.eq((b.get("state"), b.get("approver"), b.get("composer")), ("issued", "coordinator", "pio"), "issued")
    res.eq(b.get("xml"), a.get("xml"), "the approver issues exactly the bytes composed")
    res.eq(b.get("sha256"), a.get("sha256"), "the same hash")
    approve(res, coord, aid, "approved twice", status=409)
    _, entries = feed(res, port, "issued")
    e = entries.get(aid) or {}
    res.check(bool(e), "the issued message is in the feed: %r" % list(entries))
    res.eq(e.get("href"), "%s/alerts/%s.cap" % (PUBLIC_URL, aid), "the entry links its CAP, absolute")
    res.eq((e.get("rel"), e.get("type")), ("alternate", "application/cap+xml"), "the link's rel and type")
    res.eq(e.get("id"), "tag:127.0.0.1,2026:alerts/" + aid, "the entry's id: a tag URI")
    res.eq(e.get("title"), next(k["headline"] for k in a["cb"] if k["language"] == "en"),
           "the entry's title: the English headline")
    res.eq(e.get("updated"), "2026-12-01T00:00:00Z", "updated: the message's sent")
    r = anon.get("/alerts/%s.cap" % aid)
    res.eq((r.status, r.header("content-type")), (200, "application/cap+xml"), "the public CAP")
    res.eq(r.body, a.get("xml"), "the public bytes equal the API's")
    caps.check(r.raw, "the public CAP")
    r = login(res, port, "relief").get("/api/v1/alerts/" + aid)
    res.eq(r.status, 200, "an issued Actual message is readable by every logged-in user")
    lst = pio.get("/api/v1/alerts").json or {}
    res.eq(lst.get("feed_url"), "/alerts.atom", "the list names the feed")
    res.check(any(x["identifier"] == aid and "xml" not in x for x in lst.get("alerts", [])),
              "listed, without its bytes")
    return aid


def t_appointed(res, port):
    """issue 13 review (attack 1): an admin makes two pio accounts over the API; one composes, the
    other may not approve (its role was not granted by the system administrator)."""
    ad = login(res, port, "admin")
    orgs = {o["name"]: o["id"] for o in (ad.get("/api/v1/organisations").json or {}).get("items", [])}
    gov = orgs.get("Vellmark Ministry of the Interior")
    for name in ("mallory1", "mallory2"):
        r = ad.request("POST", "/api/v1/users", {"name": name, "password": "demo-" + name, "role": "pio",
                                                 "organisation_id": gov})
        res.eq(r.status, 201, "the admin creates %s over the API: %s" % (name, r.body[:200]))
    m1, m2 = login(res, port, "mallory1"), login(res, port, "mallory2")
    a = compose(res, m1, {"template": "armed-attack", "site_id": SITE}, "an API-made pio composes")
    aid = a.get("identifier", "none")
    r = m2.request("POST", "/api/v1/alerts/%s/approve" % aid)
    res.eq(r.status, 403, "an API-made pio approving: %s" % r.body[:300])
    res.check("system administrator" in (r.json or {}).get("error", ""), "the refusal says who appoints: %s" % r.body[:300])
    res.eq(m1.get("/api/v1/alerts/" + aid).json.get("state"), "pending", "still pending")
    _, entries = feed(res, port, "not appointed")
    res.check(aid not in entries, "not in the feed")
    r = login(res, port, "coordinator").request("POST", "/api/v1/alerts/%s/reject" % aid, {"reason": "test"})
    res.eq(r.status, 200, "the coordinator rejects it: %s" % r.body[:200])


def t_roles(res, port):
    body = {"template": "explosion", "site_id": SITE, "status": "Exercise"}
    for user in ("operator", "viewer", "analyst", "police", "relief", "harbour"):
        c = login(res, port, user)
        r = c.request("POST", "/api/v1/alerts", body)
        res.eq(r.status, 403, "%s may not compose" % user)
        r = c.request("POST", "/api/v1/alerts/preview", body)
        res.eq(r.status, 403, "%s may not preview" % user)
        res.eq(c.get("/api/v1/alert-templates").status, 200, "%s reads the templates" % user)
    coord = login(res, port, "coordinator")
    for path in ("/api/v1/alerts", "/api/v1/alerts/preview"):
        hidden = coord.request("POST", path, {"template": "explosion", "site_id": HIDDEN})
        missing = coord.request("POST", path, {"template": "explosion", "site_id": "VM-NOPE"})
        res.eq((hidden.status, (hidden.json or {}).get("field")), (404, "site_id"),
               "%s: a site hidden from the coordinator: %s" % (path, hidden.body[:200]))
        res.eq(hidden.body, missing.body, "%s: the hidden site answers as a missing one" % path)
        res.check(HIDDEN not in hidden.body and "Brackwater" not in hidden.body, "the 404 names nothing")


def t_exclusions(res, port, caps):
    """Exercise and Test issue at once and never reach the feed; a rejected message neither."""
    pio, coord = login(res, port, "pio"), login(res, port, "coordinator")
    anon = Client(port)
    kept = []
    for status, word in (("Exercise", "EXERCISE"), ("Test", "EXERCISE")):  # the issue: EXERCISE in every headline
        a = compose(res, pio, {"template": "vehicle-attack", "site_id": OTHER_SITE, "status": status}, status)
        res.eq((a.get("state"), a.get("approver")), ("issued", None), "%s issues at once" % status)
        res.check(all(k["headline"].startswith(word) for k in a.get("cb", [])),
                  "%s: every headline starts with %s: %r" % (status, word, [k["headline"] for k in a.get("cb", [])]))
        if status == "Test":
            res.check(all("TEST" in k["headline"] or "ТЕСТ" in k["headline"] or "PROVË" in k["headline"]
                          for k in a.get("cb", [])), "Test: every headline says it is a test")
        res.check(status.upper() + " - not a real alert" in a.get("xml", ""), "%s: the note says so" % status)
        res.eq(a.get("in_feed"), False, "%s: not in the feed" % status)
        caps.check(a.get("xml", ""), status)
        res.eq(anon.get("/alerts/%s.cap" % a.get("identifier")).status, 404, "%s: no public CAP" % status)
        kept.append(a.get("identifier"))
    # an all clear of the exercise: an Update with the all-clear template, issued at once too
    r = pio.request("POST", "/api/v1/alerts/%s/update" % kept[0], {"template": "all-clear"})
    u = r.json or {}
    res.eq((r.status, u.get("msg_type"), u.get("status"), u.get("state"), u.get("references")),
           (201, "Update", "Exercise", "issued", kept[0]), "the exercise's all clear: %s" % r.body[:200])
    res.check("<responseType>AllClear</responseType>" in u.get("xml", ""), "an all clear is responseType AllClear")
    caps.check(u.get("xml", ""), "the all clear")
    kept.append(u.get("identifier"))
    a = compose(res, pio, {"template": "chemical-release", "site_id": OTHER_SITE}, "to reject")
    rid = a.get("identifier", "none")
    r = coord.request("POST", "/api/v1/alerts/%s/reject" % rid, {"reason": "wrong site"})
    res.eq((r.status, (r.json or {}).get("state"), (r.json or {}).get("reason")), (200, "rejected", "wrong site"),
           "the coordinator rejects: %s" % r.body[:200])
    approve(res, coord, rid, "approving a rejected message", status=409)
    res.eq(anon.get("/alerts/%s.cap" % rid).status, 404, "rejected: no public CAP")
    kept.append(rid)
    r, entries = feed(res, port, "exclusions")
    for aid in kept:
        res.check(aid not in r.body, "%s is nowhere in the feed" % aid)
    res.check("EXERCISE" not in r.body, "no exercise text in the feed")


def t_chain(res, port, caps):
    """Update and cancel only the latest (409 otherwise); one entry per chain; the Cancel replaces it."""
    pio, coord = login(res, port, "pio"), login(res, port, "coordinator")
    first = compose(res, pio, {"template": "explosion", "site_id": OTHER_SITE, "duration_h": 5}, "chain")
    fid = first.get("identifier", "none")
    r = pio.request("POST", "/api/v1/alerts/%s/update" % fid, {"radius_km": 2})
    res.eq(r.status, 409, "an update of a pending message: %s" % r.body[:200])
    approve(res, coord, fid, "chain")
    up = pio.request("POST", "/api/v1/alerts/%s/update" % fid, {"radius_km": 2})
    res.eq(up.status, 201, "an update of the latest: %s" % up.body[:200])
    u = up.json or {}
    uid = u.get("identifier", "none")
    res.eq((u.get("msg_type"), u.get("chain"), u.get("references"), u.get("radius_km"), u.get("template")),
           ("Update", fid, fid, 2, "explosion"), "the update: omitted fields are the previous message's")
    caps.check(u.get("xml", ""), "the update")
    r = pio.request("POST", "/api/v1/alerts/%s/update" % fid, {"radius_km": 3})
    res.eq(r.status, 409, "a second update while one is pending")
    approve(res, coord, uid, "the update")
    for action, body in (("update", {"radius_km": 3}), ("cancel", {"note": "x"})):
        r = pio.request("POST", "/api/v1/alerts/%s/%s" % (fid, action), body)
        res.eq(r.status, 409, "%s of a message that is no longer the latest: %s" % (action, r.body[:200]))
    _, entries = feed(res, port, "updated chain")
    e = entries.get(fid) or {}
    res.eq(e.get("href"), "%s/alerts/%s.cap" % (PUBLIC_URL, uid), "the chain's entry links its latest message")
    res.check(uid not in entries, "one entry per chain")
    headline = next(k["headline"] for k in u["cb"] if k["language"] == "en")
    cr = pio.request("POST", "/api/v1/alerts/%s/cancel" % uid, {"note": "the item was harmless"})
    res.eq(cr.status, 201, "a cancel of the latest: %s" % cr.body[:200])
    cx = cr.json or {}
    cid = cx.get("identifier", "none")
    res.eq((cx.get("msg_type"), cx.get("state"), cx.get("references")), ("Cancel", "pending", uid), "the cancel")
    caps.check(cx.get("xml", ""), "the cancel")
    _, entries = feed(res, port, "cancel pending")
    res.eq((entries.get(fid) or {}).get("href"), "%s/alerts/%s.cap" % (PUBLIC_URL, uid),
           "a pending cancel changes nothing in the feed")
    approve(res, coord, cid, "the cancel")
    _, entries = feed(res, port, "cancelled chain")
    e = entries.get(fid) or {}
    res.eq(e.get("href"), "%s/alerts/%s.cap" % (PUBLIC_URL, cid), "the Cancel replaces the chain's entry")
    event, area = cap_event_area(u.get("xml", ""), "en")
    res.eq(e.get("title"), "Cancelled: %s \u2013 %s" % (event, area),
           "the Cancel's title: the cancelled message's event and area, not its headline")
    res.check(headline not in (e.get("title") or ""), "the Cancel's title drops the old instruction")
    res.eq(e.get("summary"), "the item was harmless", "the Cancel's summary: its note (published)")
    caps.check(Client(port).get("/alerts/%s.cap" % cid).raw, "the public cancel")
    r = pio.request("POST", "/api/v1/alerts/%s/update" % cid, {})
    res.eq(r.status, 409, "a cancelled chain takes no update: %s" % r.body[:200])
    return fid, cid


def t_preview(res, port, caps, first):
    pio = login(res, port, "pio")
    before = len((pio.get("/api/v1/alerts").json or {}).get("alerts", []))
    feed_before = Client(port).get("/alerts.atom").body
    r = pio.request("POST", "/api/v1/alerts/preview",
                    {"template": "armed-attack-hospital", "site_id": SITE, "languages": ["en", "sq"],
                     "radius_km": 0.5, "duration_h": 1, "generic_area": True})
    p = r.json or {}
    res.eq((r.status, p.get("state"), p.get("languages")), (200, "preview", ["en", "sq"]), "a preview: %s" % r.body[:200])
    res.check(p.get("xml", "").count("<info>") == 2, "one info block per language asked")
    caps.check(p.get("xml", ""), "the preview")
    r = pio.request("POST", "/api/v1/alerts/preview", {"cancels": first, "note": "preview of a cancel"})
    res.eq((r.status, (r.json or {}).get("msg_type"), (r.json or {}).get("state")), (200, "Cancel", "preview"),
           "a cancel's preview: %s" % r.body[:200])
    caps.check((r.json or {}).get("xml", ""), "the cancel's preview")
    res.eq(pio.get("/api/v1/alerts/" + p.get("identifier", "none")).status, 404, "the preview was not stored")
    res.eq(len((pio.get("/api/v1/alerts").json or {}).get("alerts", [])), before, "the list is unchanged")
    res.eq(Client(port).get("/alerts.atom").body, feed_before, "the feed is unchanged")


def t_validation(res, port):
    pio = login(res, port, "pio")
    ok = {"template": "armed-attack", "site_id": SITE}
    cases = [
        ({"site_id": SITE}, "template"), ({"template": "armed-attack"}, "site_id"),
        (dict(ok, template=5), "template"), (dict(ok, template="Armed Attack"), "template"),
        (dict(ok, template="no-such-template"), "template"),
        (dict(ok, radius_km=0), "radius_km"), (dict(ok, radius_km=101), "radius_km"),
        (dict(ok, radius_km="1"), "radius_km"),
        (dict(ok, languages=[]), "languages"), (dict(ok, languages="en"), "languages"),
        (dict(ok, languages=["en", "english!"]), "languages[1]"), (dict(ok, languages=["fr"]), "languages"),
        (dict(ok, status="Draft"), "status"), (dict(ok, status="System"), "status"),
        (dict(ok, duration_h=0), "duration_h"), (dict(ok, duration_h=169), "duration_h"),
        (dict(ok, note="x" * 1025), "note"), (dict(ok, note="a\u0001b"), "note"),
        (dict(ok, polygon="abc"), "polygon"), (dict(ok, polygon="47.0,-12.0 47.1,-12.0 47.0,-12.0"), "polygon"),
        (dict(ok, generic_area="yes"), "generic_area"), (dict(ok, extra=1), "extra"),
        (dict(ok, updates="PT-1"), "updates"), (dict(ok, site_id="../etc"), "site_id"),
    ]
    n_before = len((pio.get("/api/v1/alerts").json or {}).get("alerts", []))
    for body, field in cases:
        r = pio.request("POST", "/api/v1/alerts", body)
        res.check(r.status == 400 and (r.json or {}).get("field") == field,
                  "compose %r: %d %s, expected 400 naming %s" % (body, r.status, r.body[:200], field))
    res.eq(len((pio.get("/api/v1/alerts").json or {}).get("alerts", [])), n_before, "no bad body stored anything")
    for body, field in (({"updates": "PT-1", "cancels": "PT-1"}, "cancels"),
                        ({"cancels": "PT-1", "template": "explosion"}, "template"),
                        ({}, "template"), ({"updates": 5}, "updates")):
        r = pio.request("POST", "/api/v1/alerts/preview", body)
        res.check(r.status == 400 and (r.json or {}).get("field") == field,
                  "preview %r: %d %s, expected 400 naming %s" % (body, r.status, r.body[:200], field))
    r = pio.request("POST", "/api/v1/alerts/PT-NONE/update", {"radius_km": "2"})
    res.eq((r.status, (r.json or {}).get("field")), (400, "radius_km"), "update with a bad field")
    r = pio.request("POST", "/api/v1/alerts/PT-NONE/reject", {"reason": 5})
    res.eq((r.status, (r.json or {}).get("field")), (400, "reason"), "reject with a bad reason")
    for path in ("/api/v1/alerts/PT-NONE", "/api/v1/alerts/PT-NONE/cap"):
        res.eq(pio.get(path).status, 404, "GET " + path)
    for action in ("approve", "reject", "cancel", "update"):
        r = pio.request("POST", "/api/v1/alerts/PT-NONE/" + action, None if action == "approve" else {})
        res.eq(r.status, 404, "%s of a missing message" % action)
    r = pio.request("POST", "/api/v1/alerts", ok, csrf=False)
    res.eq(r.status, 403, "a compose without the CSRF token")
    anon = Client(port)
    for method, path in (("GET", "/api/v1/alert-templates"), ("GET", "/api/v1/alerts"),
                         ("POST", "/api/v1/alerts"), ("POST", "/api/v1/alerts/preview"),
                         ("GET", "/api/v1/alerts/PT-1"), ("GET", "/api/v1/alerts/PT-1/cap"),
                         ("POST", "/api/v1/alerts/PT-1/update"), ("POST", "/api/v1/alerts/PT-1/cancel"),
                         ("POST", "/api/v1/alerts/PT-1/approve"), ("POST", "/api/v1/alerts/PT-1/reject")):
        r = anon.request(method, path, body={} if method == "POST" else None)
        res.eq(r.status, 401, "%s %s without a session" % (method, path))
    for path in ("/alerts/x.atom", "/alerts/.cap", "/alerts/a%2f..%2fb.cap", "/alerts/PT-NONE.cap",
                 "/alerts/PT-NONE.cap.cap", "/alerts/../alerts.atom"):
        res.eq(anon.get(path).status, 404, "GET " + path)
    r = anon.request("POST", "/alerts.atom", body=b"x", ctype="text/plain")
    res.eq(r.status, 405, "POST /alerts.atom")


def t_caching(res, port, protect, db):
    anon = Client(port)
    r = anon.get("/alerts.atom")
    etag = r.header("etag")
    res.check(bool(etag) and etag.startswith('"'), "the feed has a strong ETag: %r" % etag)
    res.eq(r.header("cache-control"), "public, max-age=30", "the feed's Cache-Control")
    r2 = anon.get("/alerts.atom", headers={"If-None-Match": etag})
    res.eq((r2.status, r2.raw, r2.header("etag")), (304, b"", etag), "If-None-Match: 304 without a body")
    res.eq(r2.header("cache-control"), "public, max-age=30", "the 304's Cache-Control")
    r3 = anon.get("/alerts.atom", headers={"If-None-Match": 'W/"other", ' + etag})
    res.eq(r3.status, 304, "If-None-Match with a list")
    res.eq(anon.get("/alerts.atom", headers={"If-None-Match": '"other"'}).status, 200, "another ETag: 200")
    r4 = anon.request("HEAD", "/alerts.atom")
    res.eq((r4.status, r4.raw, r4.header("etag")), (200, b"", etag), "HEAD /alerts.atom")
    # a message approved: the kept feed is built again, with a new ETag
    pio, coord = login(res, port, "pio"), login(res, port, "coordinator")
    a = compose(res, pio, {"template": "vehicle-attack", "site_id": SITE}, "caching")
    approve(res, coord, a.get("identifier", "none"), "caching")
    r5 = anon.get("/alerts.atom", headers={"If-None-Match": etag})
    res.eq(r5.status, 200, "the feed after an approval is new")
    res.check(r5.header("etag") != etag and a.get("identifier", "none") in r5.body, "a new ETag, the new entry")
    # the public CAP: kept, with its own ETag
    cap = "/alerts/%s.cap" % a.get("identifier")
    c1 = anon.get(cap)
    res.eq((c1.status, c1.header("cache-control")), (200, "public, max-age=30"), "the CAP's Cache-Control")
    res.eq(anon.get(cap, headers={"If-None-Match": c1.header("etag")}).status, 304, "the CAP's 304")
    # settings changed by another process (the command line): alert.public_url moves the links
    rc, out, err = run_protect(protect, "--db", db, "config", "set", "alert.public_url", "https://alerts.vellmark.example")
    res.eq(rc, 0, "config set alert.public_url: %s" % err)
    r6 = anon.get("/alerts.atom")
    res.check("https://alerts.vellmark.example/alerts/%s.cap" % a.get("identifier") in r6.body and
              "tag:alerts.vellmark.example,2026:alerts" in r6.body, "the feed follows alert.public_url")
    res.check("127.0.0.1:8080" not in r6.body, "no link of the old address is left")
    rc, out, err = run_protect(protect, "--db", db, "config", "set", "alert.public_url", PUBLIC_URL)
    res.eq(rc, 0, "config set alert.public_url back")
    # API answers are never cached
    res.eq(pio.get("/api/v1/alerts").header("cache-control"), "no-store", "the API stays no-store")
    res.eq(anon.get("/alerts/PT-NONE.cap").header("cache-control"), "no-store", "a 404 is not cached")


def t_later(res, protect, db, work, chains):
    """Servers on the same registry with a later clock: expired messages leave; a Cancel stays
    until the message it cancels would have expired."""
    first_attack, (cancelled_chain, cancel_id) = chains
    env3 = dict(os.environ, PROTECT_NOW="2026-12-01T03:00Z")
    srv = Server(protect, db, ["--threads", "2"], env=env3).start()
    try:
        _, entries = feed(res, srv.port, "at 03:00")
        res.check(first_attack not in entries, "the 2-hour alert composed at 00:00 has left the feed at 03:00")
        res.eq((entries.get(cancelled_chain) or {}).get("href"), "%s/alerts/%s.cap" % (PUBLIC_URL, cancel_id),
               "the Cancel stays until the cancelled message's expiry (05:00)")
        r = Client(srv.port).get("/alerts/%s.cap" % first_attack)
        res.eq(r.status, 200, "an expired issued message's CAP is still served")
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "the 03:00 server's exit")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
    env6 = dict(os.environ, PROTECT_NOW="2026-12-01T06:00Z")
    srv = Server(protect, db, ["--threads", "2", "--public-rate", "4"], env=env6).start()
    try:
        r, entries = feed(res, srv.port, "at 06:00")
        res.eq(entries, {}, "at 06:00 every chain has left the feed")
        res.eq(Client(srv.port).get("/alerts/%s.cap" % cancel_id).status, 200, "the Cancel's CAP (2 of 4)")
        res.eq(Client(srv.port).get("/alerts/PT-NONE.cap").status, 404, "a missing CAP counts too (3 of 4)")
        res.eq(Client(srv.port).get("/alerts.atom").status, 200, "the 4th request of a minute")
        r = Client(srv.port).get("/alerts.atom")
        ra = r.header("retry-after")
        res.eq(r.status, 429, "the 5th request of a minute from one address")
        res.check(ra is not None and ra.isdigit() and 1 <= int(ra) <= 60, "Retry-After: %r" % ra)
        res.eq(r.header("cache-control"), "no-store", "a 429 is not cached")
        res.eq(Client(srv.port).get("/alerts/%s.cap" % cancel_id).status, 429, "the CAP path shares the limit")
        c = login(res, srv.port, "relief")
        res.eq(c.get("/api/v1/alerts").status, 200, "the API is not limited by it")
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "the 06:00 server's exit")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])


# ---- review fixes of issue 13 ----------------------------------------------------------------

def tamper(db, aid, old, new):
    """Change a message's stored bytes as an attacker with the database file would (the
    append-only triggers dropped, then put back from migration 021)."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(top, "src", "store", "021_alerts.sql")) as f:
        schema = "".join(l for l in f if not l.startswith("PRAGMA"))
    con = sqlite3.connect(db, timeout=30)
    try:
        con.executescript("DROP TRIGGER alerts_bytes_final; DROP TRIGGER alerts_state_once;")
        con.execute("UPDATE alerts SET xml = CAST(replace(CAST(xml AS TEXT), ?, ?) AS BLOB) "
                    "WHERE identifier = ?", (old, new, aid))
        con.commit()
        con.executescript(schema)
    finally:
        con.close()


def t_review_approve(res, port, protect, db):
    """Approval bound to the bytes reviewed (sha256 in the body, the CLI's --sha256), and to
    the bytes composed (tampered: 500 naming it, nothing issued)."""
    pio, coord = login(res, port, "pio"), login(res, port, "coordinator")
    a = compose(res, pio, {"template": "armed-attack", "site_id": OTHER_SITE}, "review approve")
    aid = a.get("identifier", "none")
    r = coord.request("POST", "/api/v1/alerts/%s/approve" % aid, {"sha256": "0" * 64})
    res.eq((r.status, (r.json or {}).get("field")), (409, "sha256"), "approve with another hash: %s" % r.body[:200])
    res.check("the message changed since you reviewed it" in r.body, "the 409 says why: %s" % r.body[:200])
    r = coord.request("POST", "/api/v1/alerts/%s/approve" % aid, {"sha256": "XYZ"})
    res.eq((r.status, (r.json or {}).get("field")), (400, "sha256"), "approve with a malformed hash")
    r = coord.request("POST", "/api/v1/alerts/%s/approve" % aid, {"sha": a.get("sha256")})
    res.eq((r.status, (r.json or {}).get("field")), (400, "sha"), "approve with an unknown member")
    r = coord.request("POST", "/api/v1/alerts/%s/approve" % aid, b'{"sha256":"%s"}' % a.get("sha256", "").encode(),
                      ctype="text/plain")
    res.eq(r.status, 415, "approve with a body that is not JSON")
    res.eq(pio.get("/api/v1/alerts/" + aid).json.get("state"), "pending", "nothing issued by the refusals")
    b = approve_reviewed(res, coord, aid, a.get("sha256"), "approve with the reviewed hash")
    res.eq((b.get("state"), b.get("sha256")), ("issued", a.get("sha256")), "issued, the hash reviewed")
    # the command line: --sha256
    c2 = compose(res, pio, {"template": "explosion", "site_id": OTHER_SITE}, "review approve (CLI)")
    cid = c2.get("identifier", "none")
    rc, out, err = run_protect(protect, "--db", db, "alert", "approve", cid, "--sha256", "f" * 64,
                               "--as", "coordinator")
    res.check(rc != 0 and "the message changed since you reviewed it" in err,
              "CLI approve --sha256 of other bytes: %d %s" % (rc, err))
    rc, out, err = run_protect(protect, "--db", db, "alert", "approve", cid, "--sha256", c2.get("sha256", ""),
                               "--as", "coordinator")
    res.eq(rc, 0, "CLI approve --sha256 of the bytes reviewed: %s" % err)
    # the bytes changed in the database after composition: refused, nothing issued, says why
    t = compose(res, pio, {"template": "armed-attack", "site_id": SITE}, "to tamper (pending)")
    tid = t.get("identifier", "none")
    tamper(db, tid, "Armed", "EVIL")
    r = coord.request("POST", "/api/v1/alerts/%s/approve" % tid)
    res.eq(r.status, 500, "approving tampered bytes: %s" % r.body[:200])
    res.check("stored bytes of %s differ from the audited hash" % tid in r.body, "the 500 says what: %s" % r.body[:200])
    r = pio.get("/api/v1/alerts/" + tid)
    res.eq(r.status, 500, "reading tampered bytes")
    res.check("differ from the audited hash" in r.body, "GET says what is wrong: %s" % r.body[:200])
    rc, out, err = run_protect(protect, "--db", db, "audit", "list", "--format", "csv")
    res.check(any("refused" in l and tid in l for l in out.splitlines()), "the refusal is audited")
    res.check(not any(",alert.approve," in l and tid in l for l in out.splitlines()), "no approval of %s audited" % tid)
    res.check(tid not in Client(port).get("/alerts.atom").body, "the tampered draft is nowhere public")
    return tid


def approve_reviewed(res, c, aid, sha, what, status=200):
    r = c.request("POST", "/api/v1/alerts/%s/approve" % aid, {"sha256": sha})
    res.check(r.status == status, "%s: approve %d, expected %d: %s" % (what, r.status, status, r.body[:300]))
    return r.json or {}


def t_review_public(res, port, protect, db):
    """Tampered issued bytes: left out of the feed (the rest still served), 404 at the public
    path; a command-line approval reaches the feed at once; entry times are approval times;
    query strings ignored; bounds printed as people write them; hidden sites withheld."""
    pio, coord = login(res, port, "pio"), login(res, port, "coordinator")
    anon = Client(port)
    # compose A at 00:05, B at 00:06 (the command line, later clocks); approve B at 00:07
    ids = []
    for now, tpl in (("2026-12-01T00:05Z", "vehicle-attack"), ("2026-12-01T00:06Z", "chemical-release")):
        rc, out, err = run_protect(protect, "--db", db, "--now", now, "alert", "new", "--template", tpl,
                                   "--site", SITE, "--as", "pio")
        res.eq(rc, 0, "CLI compose at %s: %s" % (now, err))
        m = re.search(r"<identifier>([^<]+)</identifier>", out)
        ids.append(m.group(1) if m else "none")
    a_id, b_id = ids
    _, before = feed(res, port, "before the CLI approvals")
    rc, out, err = run_protect(protect, "--db", db, "--now", "2026-12-01T00:07Z", "alert", "approve", b_id,
                               "--as", "coordinator")
    res.eq(rc, 0, "CLI approve B: %s" % err)
    r, entries = feed(res, port, "after the CLI approval of B")
    res.check(b_id in entries, "a CLI approval is in the feed at the next request: %r" % list(entries))
    rc, out, err = run_protect(protect, "--db", db, "--now", "2026-12-01T00:09Z", "alert", "approve", a_id,
                               "--as", "coordinator")
    res.eq(rc, 0, "CLI approve A: %s" % err)
    r, entries = feed(res, port, "after the CLI approval of A")
    res.eq((entries.get(a_id) or {}).get("updated"), "2026-12-01T00:09:00Z", "A's updated: its approval")
    res.eq((entries.get(b_id) or {}).get("updated"), "2026-12-01T00:07:00Z", "B's updated: its approval")
    root = ET.fromstring(r.raw)
    res.eq(root.findtext(ATOM + "updated"), "2026-12-01T00:09:00Z", "the feed's updated: the newest approval")
    order = [e.findtext(ATOM + "id").rsplit("/", 1)[-1] for e in root.findall(ATOM + "entry")]
    res.eq(order[:2], [a_id, b_id], "entries ordered by when they became public")
    # query strings are ignored on the public paths
    q = anon.get("/alerts.atom?x=1&utm_source=feed")
    res.eq((q.status, q.header("content-type"), q.raw), (200, "application/atom+xml; charset=utf-8", r.raw),
           "/alerts.atom?x=1 serves the feed")
    q = anon.get("/alerts/%s.cap?x=1" % b_id)
    res.eq((q.status, q.raw), (200, anon.get("/alerts/%s.cap" % b_id).raw), "/alerts/ID.cap?x=1 serves the CAP")
    # A's bytes tampered after issue (never fetched publicly): left out, 404, the rest served
    tamper(db, a_id, "Vehicle", "FAKE")
    r, entries = feed(res, port, "after tampering")
    res.check(a_id not in entries and "FAKE" not in r.body, "the tampered message is left out of the feed")
    res.check(b_id in entries, "the other entries are still served")
    res.eq(anon.get("/alerts/%s.cap" % a_id).status, 404, "the tampered message's public CAP: 404")
    r = pio.get("/api/v1/alerts/%s/cap" % a_id)
    res.eq(r.status, 500, "the logged-in CAP of tampered bytes")
    res.check("stored bytes of %s differ from the audited hash" % a_id in r.body, "says what: %s" % r.body[:200])
    # bounds as people write them
    r = pio.request("POST", "/api/v1/alerts/preview", {"template": "armed-attack", "site_id": SITE, "radius_km": 0.01})
    res.eq((r.status, (r.json or {}).get("error")), (400, "radius_km: must be a number from 0.05 to 100"),
           "the radius bound printed as 0.05")
    r = pio.request("POST", "/api/v1/alerts/preview", {"template": "armed-attack", "site_id": SITE, "duration_h": 0.1})
    res.eq((r.json or {}).get("error"), "duration_h: must be a number from 0.25 to 168", "the duration bound")
    # a site the reader may not read: withheld from the ALERT (VM-001 is AMBER: coordinators
    # read it, pio does not); composed by the coordinator, approved by a second coordinator
    # the system administrator made (protect user add)
    rc, out, err = run_protect(protect, "--db", db, "user", "add", "coord-two", "--org",
                               "Vellmark Ministry of the Interior", "--role", "coordinator",
                               "--password-stdin", stdin="demo-coord-two\n")
    res.eq(rc, 0, "protect user add coord-two: %s" % err)
    h = compose(res, coord, {"template": "explosion", "site_id": "VM-001"}, "the coordinator composes for VM-001")
    hid = h.get("identifier", "none")
    res.eq((h.get("site_id"), "site_withheld" in h), ("VM-001", False), "the coordinator sees the site")
    rc, out, err = run_protect(protect, "--db", db, "alert", "approve", hid, "--as", "coord-two")
    res.eq(rc, 0, "coord-two approves VM-001's alert: %s" % err)
    r = pio.get("/api/v1/alerts/" + hid)
    x = r.json or {}
    res.eq((r.status, x.get("site_id"), x.get("site_name"), x.get("site_withheld")), (200, None, None, True),
           "pio reads the issued alert without the hidden site: %s" % r.body[:300])
    lst = (pio.get("/api/v1/alerts").json or {}).get("alerts", [])
    li = next((y for y in lst if y.get("identifier") == hid), {})
    res.eq((li.get("site_id"), li.get("site_name"), li.get("site_withheld")), (None, None, True),
           "the list withholds it too")
    rest = {k: v for k, v in x.items() if k not in ("xml", "cb")}  # the public message names it
    res.check("VM-001" not in json.dumps(rest), "no member of pio's reply names the site: %r" % rest)
    return a_id


def run(res, protect, work):
    d = os.path.join(work, "alerts")
    os.makedirs(d, exist_ok=True)
    db = os.path.join(d, "demo.db")
    env0 = dict(os.environ, PROTECT_NOW=T0)
    rc, out, err = run_protect(protect, "--db", db, "demo")
    if not res.check(rc == 0, "protect demo: %s" % err):
        return
    caps = CapCheck(res)
    srv = Server(protect, db, ["--threads", "4", "--public-rate", "100000"], env=env0).start()
    try:
        first = t_two_person(res, srv.port, caps)
        t_roles(res, srv.port)
        t_exclusions(res, srv.port, caps)
        chain = t_chain(res, srv.port, caps)
        t_preview(res, srv.port, caps, first)
        t_validation(res, srv.port)
        t_appointed(res, srv.port)  # issue 13 review
        t_caching(res, srv.port, protect, db)
        tampered_draft = t_review_approve(res, srv.port, protect, db)
        tampered = t_review_public(res, srv.port, protect, db)
    finally:
        status, out, err = srv.stop()
        res.eq(status, 0, "alerts server exit status")
        res.check("alert %s left out" % tampered in err, "the server logs the message left out: %s" % err[-600:])
        res.check("%s differ from the audited hash" % tampered_draft in err, "the server logs the refused approval")
        res.check("runtime error" not in err and "Sanitizer" not in err, "sanitizer report: %s" % err[-2000:])
    try:
        t_later(res, protect, db, work, (first, chain))
    finally:
        caps.close()
