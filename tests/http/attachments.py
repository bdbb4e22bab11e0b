# attachments.py - HTTP tests of issue 16 item 3: the photos and documents of a site or survey
# on the demo region, as the hospital trust's operator uploads them to VM-012 (GREEN): each type
# by its bytes, with its location and camera metadata gone; a program or a page renamed .jpg
# refused; 10 MiB + 1 refused with nothing stored; the download's headers; the label (AMBER):
# a viewer who reads the GREEN site gets the 404 of a missing attachment; deletes by the site's
# writers only; the retention purge; every write in the audit log.
import hashlib
import json
import struct
import zlib

import attach_samples as S
from httplib import Client, raw_exchange, run_protect

SITE = "VM-012"
MIB = 1024 * 1024


def login(res, port, user):
    c = Client(port)
    r = c.login(user, "demo-" + user)
    res.check(r.status == 200, "log-in as %s: %r" % (user, r))
    return c


def upload(c, data, ctype, name="photo.jpg", site=SITE, **query):
    q = "name=" + name + "".join("&%s=%s" % kv for kv in query.items())
    return c.request("POST", "/api/v1/sites/%s/attachments?%s" % (site, q), body=data, ctype=ctype)


def listing(c, site=SITE, survey=None):
    r = c.get("/api/v1/sites/%s/attachments%s" % (site, "?survey=%d" % survey if survey else ""))
    return r, [a["id"] for a in (r.json or {}).get("items", [])]


def no_markers(data):
    return not any(m in data for m in S.MARKERS)


def png_pixels(data):
    """The decompressed IDAT of a PNG whose chunks (and CRCs) walk to IEND, or None."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, idat = 8, b""
    while pos + 12 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] != zlib.crc32(kind + body):
            return None
        if kind == b"IDAT":
            idat += body
        if kind == b"IEND":
            return zlib.decompress(idat)
        pos += 12 + n
    return None


def audit_actions(protect, db):
    rc, out, err = run_protect(protect, "--db", db, "audit", "list", "--limit", "200", "--format", "json")
    return json.loads(out) if rc == 0 else []


def visits(c, site):
    """The ids of site's visits, newest first (the demo's import made one per method)."""
    return [v["id"] for v in (c.get("/api/v1/sites/%s/surveys" % site).json or {}).get("items", [])]


def t_upload_types(res, port, protect, db):
    trust = login(res, port, "trust")
    mine = visits(trust, SITE)
    res.check(len(mine) >= 2, "the site has visits to attach evidence to: %r" % mine)
    visit, other_visit = (mine + [0, 0])[:2]
    for name, data, ctype in (("north-gate.jpg", S.jpeg_with_gps(), "image/jpeg"),
                              ("car-park.png", S.png_with_gps(), "image/png"),
                              ("survey-notes.pdf", S.pdf_with_info(), "application/pdf")):
        res.check(not no_markers(data), "%s carries metadata before upload" % name)
        r = upload(trust, data, ctype, name=name, caption="Fence%20line%2C%20east", survey=visit)
        if not res.check(r.status == 201, "upload %s: %r" % (name, r)):
            continue
        a = r.json
        res.eq((a["site_id"], a["name"], a["caption"], a["type"], a["label"], a["survey_id"], a["uploaded_by"],
                a["shows_people"], a["retain_until"]),
               (SITE, name, "Fence line, east", ctype, "TLP:AMBER", visit, "trust", False, None), name + " as stored")
        res.eq(r.header("location"), "/api/v1/attachments/%d" % a["id"], name + " Location")
        d = trust.get("/api/v1/attachments/%d" % a["id"])
        res.eq(d.status, 200, name + " download")
        res.eq(d.header("content-type"), ctype, name + " download type")
        res.eq(d.header("content-disposition"), 'attachment; filename="%s"' % name, name + " disposition")
        res.eq(d.header("x-content-type-options"), "nosniff", name + " nosniff")
        res.check("sandbox" in (d.header("content-security-policy") or ""), name + " CSP sandbox: %r"
                  % d.header("content-security-policy"))
        res.eq(d.header("x-tlp"), "TLP:AMBER", name + " X-TLP")
        res.eq((len(d.raw), hashlib.sha256(d.raw).hexdigest()), (a["size"], a["sha256"]), name + " size and sha256")
        res.check(no_markers(d.raw), name + ": no location or camera metadata left")
        if ctype == "image/jpeg":
            res.eq(d.raw, S.photo(), name + ": the photo itself, byte for byte")
        elif ctype == "image/png":
            px = png_pixels(d.raw)
            res.check(px is not None and len(px) == 16 * (1 + 16 * 3), name + " still decodes: 16 rows of 16 RGB")
        else:
            res.check(d.raw.startswith(b"%PDF-1.") and b"%%EOF" in d.raw[-32:] and b"/Info" not in d.raw
                      and b"/Metadata" not in d.raw, name + " is a PDF without /Info and /Metadata")
    # a PDF showing the GPS photo: the image inside loses its Exif, its own XMP goes too
    r = upload(trust, S.pdf_with_photo(), "application/pdf", name="report.pdf")
    if res.check(r.status == 201, "upload a PDF with a photo inside: %r" % r):
        d = trust.get("/api/v1/attachments/%d" % r.json["id"])
        res.check(no_markers(d.raw) and S.photo() in d.raw and b"/Metadata" not in d.raw,
                  "the PDF keeps the photo without its GPS, camera and XMP data")
    # review item 1: the stored name's extension follows the type found in the bytes
    for name, data, ctype, stored in (("site-report.html", S.pdf_with_info(), "application/pdf", "site-report.pdf"),
                                      ("x.jpg", S.png_with_gps(), "image/png", "x.png"),
                                      ("gate.jpeg", S.jpeg_with_gps(), "image/jpeg", "gate.jpeg"),
                                      ("gate", S.jpeg_with_gps(), "image/jpeg", "gate.jpg")):
        r = upload(trust, data, ctype, name=name)
        if res.check(r.status == 201, "upload %s: %r" % (name, r)):
            res.eq(r.json["name"], stored, name + ": the stored name")
            d = trust.get("/api/v1/attachments/%d" % r.json["id"])
            res.eq(d.header("content-disposition"), 'attachment; filename="%s"' % stored, name + " disposition")
            trust.request("DELETE", "/api/v1/attachments/%d" % r.json["id"])
    r, ids = listing(trust, survey=visit)
    res.eq(len(ids), 3, "the visit's evidence: its three uploads")
    res.eq((r.json or {}).get("tlp"), "TLP:AMBER", "the list is marked AMBER")
    sv = trust.get("/api/v1/surveys/%d" % visit).json or {}
    res.eq(sorted(e["id"] for e in sv.get("evidence") or []), sorted(ids), "the visit shows its evidence")
    res.eq(sv.get("tlp"), "TLP:AMBER", "a visit with evidence is marked as its evidence is")
    for sid in visits(trust, "VM-013")[:1]:
        r = upload(trust, S.photo(), "image/jpeg", name="x.jpg", survey=sid)
        res.eq((r.status, (r.json or {}).get("field")), (400, "survey"), "a visit of another site is refused")
    r = upload(trust, S.photo(), "image/jpeg", name="x.jpg", survey=999999)
    res.eq((r.status, (r.json or {}).get("field")), (400, "survey"), "an unknown visit is refused")
    r, other = listing(trust, survey=other_visit)
    res.eq(other, [], "the other visit has no evidence")
    res.eq(((r.json or {}).get("label"), (r.json or {}).get("tlp")), ("TLP:AMBER", "TLP:GREEN"),
           "an empty list is marked with the GREEN site's own label (nothing AMBER shown)")


def t_upload_refused(res, port, protect, db):
    trust = login(res, port, "trust")
    _, before = listing(trust)
    for what, data, ctype, status, field in (
            ("a program renamed .jpg", S.EXE, "image/jpeg", 415, "type"),
            ("a web page renamed .jpg", S.HTML, "image/jpeg", 415, "type"),
            ("a PNG sent as image/jpeg", S.png_with_gps(), "image/jpeg", 415, "Content-Type"),
            ("a page sent as text/html", S.HTML, "text/html", 415, "Content-Type"),
            ("a JPEG cut before its end", S.jpeg_with_gps()[:600], "image/jpeg", 400, "body"),
            ("an empty body", b"", "image/jpeg", 415, "type")):
        r = upload(trust, data, ctype)
        res.eq((r.status, (r.json or {}).get("field")), (status, field), "%s: %r" % (what, r))
    # 10 MiB + 1 byte: answered from the headers, before a byte of the body is taken
    head = ("POST /api/v1/sites/%s/attachments?name=big.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Cookie: pt_session=%s\r\nX-CSRF-Token: %s\r\nContent-Type: image/jpeg\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % (SITE, trust.cookie, trust.csrf, 10 * MIB + 1))
    raw = raw_exchange(port, head.encode() + S.photo())
    res.check(raw.split(b"\r\n", 1)[0].endswith(b" 413 Request Entity Too Large") or b" 413 " in raw[:20],
              "10 MiB + 1 byte: %r" % raw[:60])
    res.check(b"10485760" in raw, "the 413 says the limit: %r" % raw[-200:])
    # exactly 10 MiB is taken in and judged by its bytes (a JPEG with padding after EOI)
    r = upload(trust, S.photo() + b"\0" * (10 * MIB - len(S.photo())), "image/jpeg", name="big.jpg")
    res.eq((r.status, (r.json or {}).get("size")), (201, len(S.photo())), "exactly 10 MiB: taken, the padding dropped")
    if r.status == 201:
        res.eq(trust.request("DELETE", "/api/v1/attachments/%d" % r.json["id"]).status, 200, "delete the 10 MiB one")
    r = upload(trust, S.photo(), "image/jpeg", name="")
    res.eq((r.status, (r.json or {}).get("field")), (400, "name"), "an empty name")
    # review item 3: a JPEG under a filter chain, whose Exif the stripper cannot reach
    r = upload(trust, S.pdf_dct_chain(), "application/pdf", name="report.pdf")
    res.eq((r.status, (r.json or {}).get("field")), (400, "body"), "a PDF with a JPEG under a filter chain: %r" % r)
    res.check("filter" in ((r.json or {}).get("error") or ""), "the error says why: %r" % r)
    # review item 4: a PNG wider or higher than 20,000 pixels
    for w, h in ((20001, 1), (1, 20001)):
        r = upload(trust, S.png_of_size(w, h), "image/png", name="huge.png")
        res.eq((r.status, (r.json or {}).get("field")), (400, "body"), "a PNG of %d x %d: %r" % (w, h, r))
        res.check("20000" in ((r.json or {}).get("error") or ""), "the error names the limit: %r" % r)
    # review item 2: a PDF that runs something or carries a file is refused, saying why
    for what, extra, more in S.PDF_ACTIVE:
        r = upload(trust, S.pdf_active(extra, more), "application/pdf", name="report.pdf")
        res.eq((r.status, (r.json or {}).get("field")), (400, "body"), "a PDF with %s: %r" % (what, r))
        res.check("active content" in ((r.json or {}).get("error") or ""), "%s: the error says why: %r" % (what, r))
    r = trust.request("POST", "/api/v1/sites/%s/attachments?name=x.jpg" % SITE, body=S.photo(), ctype="image/jpeg",
                      csrf=False)
    res.eq(r.status, 403, "an upload without the CSRF token")
    _, after = listing(trust)
    res.eq(after, before, "nothing stored by any refused upload")


def t_access(res, port, protect, db):
    trust = login(res, port, "trust")
    r = upload(trust, S.jpeg_with_gps(), "image/jpeg", name="ward.jpg")
    if not res.check(r.status == 201, "trust uploads: %r" % r):
        return
    aid = r.json["id"]
    missing = trust.get("/api/v1/attachments/999999")
    res.eq(missing.status, 404, "a missing attachment")
    viewer = login(res, port, "viewer")  # Northgate's viewer: reads GREEN VM-012, not its AMBER photos
    res.eq(viewer.get("/api/v1/sites/%s" % SITE).status, 200, "the viewer reads the GREEN site")
    for path in ("/api/v1/attachments/%d" % aid, "/api/v1/sites/%s/attachments" % SITE):
        r = viewer.get(path)
        res.eq((r.status, r.body), (404, missing.body), "viewer GET %s: the 404 of a missing one" % path)
    r = viewer.request("DELETE", "/api/v1/attachments/%d" % aid)
    res.eq((r.status, r.body), (404, missing.body), "viewer DELETE: 404")
    r = upload(viewer, S.photo(), "image/jpeg")
    res.eq(r.status, 404, "viewer upload to a site whose photos it may not see")
    analyst = login(res, port, "analyst")  # a government analyst reads AMBER, writes nothing of the trust's
    res.eq(analyst.get("/api/v1/attachments/%d" % aid).status, 200, "the ministry's analyst downloads")
    r, ids = listing(analyst)
    res.check(aid in ids and (r.json or {}).get("can_write") is False, "the analyst lists, may not write")
    r = analyst.request("DELETE", "/api/v1/attachments/%d" % aid)
    res.eq(r.status, 403, "the analyst may not delete the trust's photo")
    r = trust.request("DELETE", "/api/v1/attachments/%d" % aid)
    res.eq((r.status, (r.json or {}).get("deleted")), (200, True), "the trust deletes it")
    res.eq(trust.get("/api/v1/attachments/%d" % aid).status, 404, "deleted: gone")
    entries = [(e.get("user"), e.get("action"), e.get("record")) for e in audit_actions(protect, db)]
    res.check(("trust", "attachment.add", str(aid)) in entries, "the upload is audited: %r" % entries[:5])
    res.check(("trust", "attachment.delete", str(aid)) in entries, "the delete is audited")
    res.check(any(u == "analyst" and a == "refused" for u, a, _ in entries), "the analyst's delete is audited as refused")
    res.check(any(u == "analyst" and a == "attachment.read" for u, a, _ in entries), "the AMBER download is audited")


def t_retention(res, port, protect, db):
    trust = login(res, port, "trust")
    r = upload(trust, S.jpeg_with_gps(), "image/jpeg", name="queue.jpg", people=1)
    if not res.check(r.status == 201, "upload a photo showing people: %r" % r):
        return
    a = r.json
    # the tests' clock is 2026-12-01 (PROTECT_NOW); attachments.retention_days is 30
    res.eq((a["shows_people"], a["retain_until"]), (True, "2026-12-31T00:00:00Z"), "kept 30 days")
    rc, out, err = run_protect(protect, "--db", db, "--now", "2026-12-30T23:59Z", "attachment", "purge")
    res.eq((rc, out), (0, "0 attachments past their retention deleted\n"), "a purge before the end")
    res.eq(trust.get("/api/v1/attachments/%d" % a["id"]).status, 200, "still served before the end")
    rc, out, err = run_protect(protect, "--db", db, "--now", "2026-12-31T00:00Z", "attachment", "purge")
    res.eq((rc, out, err), (0, "1 attachments past their retention deleted\n", ""), "the purge at its end")
    res.eq(trust.get("/api/v1/attachments/%d" % a["id"]).status, 404, "purged: gone")
    entries = [(e.get("user"), e.get("action"), e.get("record")) for e in audit_actions(protect, db)]
    res.check(("system administrator", "attachment.expired", str(a["id"])) in entries,
              "the purge is audited as the system's: %r" % entries[:3])


def t_limits(res, port, protect, db):
    """Review item 4: at most 100 attachments per site (and 200 MiB: docs/operations.md)."""
    trust = login(res, port, "trust")
    site = "VM-014"
    _, before = listing(trust, site=site)
    made = []
    for i in range(100 - len(before)):
        r = upload(trust, S.photo(), "image/jpeg", name="fence-%d.jpg" % i, site=site)
        if not res.check(r.status == 201, "upload %d of 100: %r" % (i + 1, r)):
            break
        made.append(r.json["id"])
    r = upload(trust, S.photo(), "image/jpeg", name="one-too-many.jpg", site=site)
    res.eq((r.status, (r.json or {}).get("field")), (413, "site"), "the 101st attachment of a site: %r" % r)
    res.check("at most 100" in ((r.json or {}).get("error") or ""), "the error names the limit: %r" % r)
    _, after = listing(trust, site=site)
    res.eq(len(after), 100, "nothing stored by the refused upload")
    for i in made:
        trust.request("DELETE", "/api/v1/attachments/%d" % i)
    r = upload(trust, S.photo(), "image/jpeg", name="after-deleting.jpg", site=site)
    res.eq(r.status, 201, "room again after deleting: %r" % r)
    if r.status == 201:
        trust.request("DELETE", "/api/v1/attachments/%d" % r.json["id"])


TESTS = [("attachments-types", t_upload_types), ("attachments-refused", t_upload_refused),
         ("attachments-access", t_access), ("attachments-retention", t_retention),
         ("attachments-limits", t_limits)]
