"""attach_samples.py - fictional test files for attachments (issue 16 item 3): a tiny
JPEG (tests/cli/data/attach/photo.jpg, 16x16, made once with libjpeg) with Exif GPS and
camera data, XMP, IPTC and a comment spliced in; a PNG with eXIf, tEXt, iTXt and tIME; a
PDF with a document information dictionary and an XMP stream. Run as a program it writes
them into tests/cli/data/attach/ (the committed copies the unit and CLI tests read)."""
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "cli", "data", "attach")

# What the metadata says; none of it may be left in a stored file.
MARKERS = [b"Exif", b"Fictocam", b"FX-1", b"Jana Fictional", b"xmpmeta", b"8BIM", b"GPS"]


def photo():
    with open(os.path.join(DATA, "photo.jpg"), "rb") as f:
        return f.read()


def exif_tiff():
    """A little-endian TIFF: IFD0 with Make, Model and a GPS IFD (a fictional place)."""
    def entry(tag, typ, count, value):
        return struct.pack("<HHI", tag, typ, count) + value
    make, model = b"Fictocam\0", b"FX-1\0"
    gps_at = 64
    ifd0 = struct.pack("<H", 3)
    ifd0 += entry(0x010F, 2, len(make), struct.pack("<I", 50))
    ifd0 += entry(0x0110, 2, len(model), struct.pack("<I", 59))
    ifd0 += entry(0x8825, 4, 1, struct.pack("<I", gps_at))
    ifd0 += struct.pack("<I", 0)
    body = b"II*\0" + struct.pack("<I", 8) + ifd0
    body += make + model
    body += b"\0" * (gps_at - len(body))
    lat_at, lon_at = gps_at + 2 + 4 * 12 + 4, gps_at + 2 + 4 * 12 + 4 + 24
    gps = struct.pack("<H", 4)
    gps += entry(1, 2, 2, b"N\0\0\0")
    gps += entry(2, 5, 3, struct.pack("<I", lat_at))
    gps += entry(3, 2, 2, b"E\0\0\0")
    gps += entry(4, 5, 3, struct.pack("<I", lon_at))
    gps += struct.pack("<I", 0)
    body += gps
    body += struct.pack("<6I", 41, 1, 59, 1, 1234, 100)  # 41 59' 12.34" N
    body += struct.pack("<6I", 21, 1, 26, 1, 5678, 100)  # 21 26' 56.78" E
    return body


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'exif:GPSLatitude="41,59.2N" exif:GPSLongitude="21,26.9E"/></rdf:RDF></x:xmpmeta>')


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_gps():
    """photo.jpg with APP1 Exif (camera, GPS), APP1 XMP, APP13 IPTC and a comment after APP0."""
    p = photo()
    app0_end = 2 + 2 + struct.unpack(">H", p[4:6])[0]
    extra = segment(0xE1, b"Exif\0\0" + exif_tiff())
    extra += segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)
    extra += segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x14\x1c\x02\x50\0\x0eJana Fictional\0")
    extra += segment(0xFE, b"shot by Jana Fictional on a Fictocam FX-1")
    return p[:app0_end] + extra + p[app0_end:] + b"trailing bytes after EOI"


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_gps():
    """A 16x16 RGB PNG with eXIf, tEXt, iTXt (XMP) and tIME."""
    rows = b"".join(b"\0" + bytes(v for x in range(16) for v in (x * 16, y * 16, 128))
                    for y in range(16))
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
    out += chunk(b"gAMA", struct.pack(">I", 45455))
    out += chunk(b"tEXt", b"Author\0Jana Fictional")
    out += chunk(b"eXIf", exif_tiff())
    out += chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP)
    out += chunk(b"tIME", struct.pack(">HBBBBB", 2026, 11, 30, 9, 15, 0))
    out += chunk(b"IDAT", zlib.compress(rows))
    out += chunk(b"IEND", b"")
    return out


def png_of_size(width, height):
    """A PNG whose IHDR says width x height (one row of pixels: only its header is judged)."""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 2)) + chunk(b"IEND", b""))


def pdf_with_info():
    """A one-page PDF with a document information dictionary and an XMP metadata stream."""
    xmp = b'<?xpacket begin=""?>' + XMP + b'<?xpacket end="r"?>'
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp +
        b"\nendstream",
        b"<< /Author (Jana Fictional) /Creator (Fictocam Scan) /Title (North gate) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return out


def pdf_with_photo():
    """A one-page PDF showing the JPEG with GPS data as an image (/DCTDecode) that has an XMP
    stream of its own, and a document information dictionary."""
    xmp = b'<?xpacket begin=""?>' + XMP + b'<?xpacket end="r"?>'
    jpg = jpeg_with_gps()
    jpg = jpg[:jpg.rindex(b"\xff\xd9") + 2]  # the image as a PDF holds it: up to EOI
    content = b"q 100 0 0 100 50 50 cm /Im1 Do Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        b"/Filter /DCTDecode /Metadata 6 0 R /Length %d >>\nstream\n" % len(jpg) + jpg + b"\nendstream",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp + b"\nendstream",
        b"<< /Author (Jana Fictional) /Producer (Fictocam Scan) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return out


def pdf_of(objs, trailer=b""):
    """A PDF of the objects objs (1 0 obj first: the catalogue), with a classic xref."""
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer, xref)
    return out


def pdf_active(catalog_extra, more=()):
    """A one-page PDF whose catalogue has catalog_extra (an action, names), objects 4.. more."""
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] + list(more))


# review item 2: the ways a PDF runs something or carries a file (each refused)
PDF_ACTIVE = [
    ("JavaScript on open", b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>", ()),
    ("a launch action", b"/OpenAction << /S /Launch /F (cmd.exe) >>", ()),
    ("an embedded file", b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
     (b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
      b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream")),
    ("a form that submits", b"/OpenAction << /S /SubmitForm /F (https://example.invalid/x) >>", ()),
]


def pdf_dct_chain():
    """Review item 3: the JPEG with GPS data as an image under [/ASCIIHexDecode /DCTDecode]."""
    jpg = jpeg_with_gps()
    hexed = jpg[:jpg.rindex(b"\xff\xd9") + 2].hex().encode() + b">"
    return pdf_active(b"", (b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceRGB "
                            b"/BitsPerComponent 8 /Filter [/ASCIIHexDecode /DCTDecode] /Length %d >>\nstream\n"
                            % len(hexed) + hexed + b"\nendstream",))


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 48 + b"This program cannot be run in DOS mode."
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else DATA
    for name, data in (("gps.jpg", jpeg_with_gps()), ("gps.png", png_with_gps()),
                       ("info.pdf", pdf_with_info()), ("photo.pdf", pdf_with_photo()),
                       ("program.jpg", EXE), ("page.jpg", HTML)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
