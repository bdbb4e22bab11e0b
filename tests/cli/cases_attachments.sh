# cases_attachments.sh - issue 16 item 3: `protect attachment add|list|get|rm|purge`: the photo
# with GPS and camera data stored without them, a PDF without its document metadata, a program
# renamed .jpg refused by its bytes (exit 65, nothing stored), the access rule (--as: 77, or 66
# for a site the user may not see), the survey filter, the retention purge as the system, the
# audit entries. Sourced by tests/cli/run.

p at-demo 0 --db at.db demo
A=$DATA/attach
# the evidence of VM-012's FEMA visit (the demo's import made visit 12); a visit of VM-003 is refused
p at-add-other-visit 65 --db at.db attachment add VM-012 "$A/gps.jpg" --survey 3 --as trust
err_line "protect: $A/gps.jpg: survey: no visit 3 of site VM-012"
p at-add-jpg 0 --db at.db attachment add VM-012 "$A/gps.jpg" --caption "north gate" --survey 12 --as trust
out_line "attachment 1: image/jpeg, 653 bytes, sha256 $(sha256sum "$A/photo.jpg" | cut -c1-64), TLP:AMBER"
p at-add-png 0 --db at.db attachment add VM-012 "$A/gps.png" --name "car park.png" --people --as trust
out_has "attachment 2: image/png, 479 bytes, sha256 "
p at-add-pdf 0 --db at.db attachment add VM-015 "$A/info.pdf" --as trust-admin
out_has "attachment 3: application/pdf, "
out_has ", TLP:AMBER"
# refused by its bytes, whatever its name: exit 65, nothing stored
p at-add-exe 65 --db at.db attachment add VM-012 "$A/program.jpg" --as trust
err_line "protect: $A/program.jpg: type: the file is not a JPEG, PNG or PDF (judged by its bytes, not its name or declared type)"
p at-add-html 65 --db at.db attachment add VM-012 "$A/page.jpg" --as trust
head -c 600 "$A/gps.jpg" >at-cut.jpg
p at-add-cut 65 --db at.db attachment add VM-012 at-cut.jpg --as trust
err_has "body: not a valid JPEG file: "
# who may not write the site: 77; who may not see its photos: as an unknown site, 66
p at-add-survey0 64 --db at.db attachment add VM-012 "$A/photo.jpg" --as trust --survey 0
p at-add-analyst 77 --db at.db attachment add VM-012 "$A/photo.jpg" --as analyst
err_line "protect: $A/photo.jpg: your role or organisation may not add attachments to site VM-012"
p at-add-hidden 66 --db at.db attachment add VM-012 "$A/photo.jpg" --as viewer
err_line "protect: $A/photo.jpg: unknown site id \"VM-012\""
p at-list 0 --db at.db attachment list VM-012 --as trust
golden attachments-list.txt
err_line "TLP:AMBER"
p at-list-survey 0 --db at.db attachment list VM-012 --survey 12 --format json --as analyst
pycheck "a survey's evidence" at-list-survey.out '
assert [a["id"] for a in j["items"]] == [1], j
a = j["items"][0]
assert a["survey_id"] == 12 and a["caption"] == "north gate" and a["label"] == "TLP:AMBER", a
assert a["uploaded_by"] == "trust" and a["shows_people"] is False and j["tlp"] == "TLP:AMBER", j'
p at-list-hidden 66 --db at.db attachment list VM-012 --as relief
# get: the bytes stored, without the metadata; to a file or standard output
p at-get 0 --db at.db attachment get 1 --out at-1.jpg --as analyst
same_files at-1.jpg "$A/photo.jpg"
err_has "at-1.jpg: image/jpeg, 653 bytes, sha256 "
p at-get-pdf 0 --db at.db attachment get 3
if grep -aq -e Fictocam -e "Jana Fictional" -e /Info -e xmpmeta at-get-pdf.out; then bad "the PDF keeps metadata"; else ok; fi
if head -c 8 at-get-pdf.out | grep -q "^%PDF-1\."; then ok; else bad "not a PDF"; fi
p at-get-hidden 66 --db at.db attachment get 1 --as viewer
err_line "protect: no attachment 1"
p at-get-bad 64 --db at.db attachment get x1
# delete: the site's writers only
p at-rm-analyst 77 --db at.db attachment rm 1 --as analyst
p at-rm 0 --db at.db attachment rm 1 --as trust
out_line "deleted attachment 1"
p at-rm-again 66 --db at.db attachment rm 1 --as trust
# retention: attachment 2 shows people, kept 30 days from 2026-12-01 (PROTECT_NOW)
p at-purge-early 0 --db at.db --now 2026-12-30T23:59Z attachment purge
out_line "0 attachments past their retention deleted"
p at-purge 0 --db at.db --now 2026-12-31T00:00Z attachment purge
out_line "1 attachments past their retention deleted"
p at-after 0 --db at.db attachment list VM-012
out_lacks "car park.png"
p at-audit 0 --db at.db audit list --format json
pycheck "attachments audited" at-audit.out '
seen = {(e["user"], e["action"], e["record"]) for e in j}
for want in (("trust", "attachment.add", "1"), ("trust-admin", "attachment.add", "3"),
             ("trust", "attachment.delete", "1"), ("system administrator", "attachment.expired", "2")):
    assert want in seen, (want, sorted(x for x in seen if "attach" in x[1]))
assert any(u == "analyst" and a == "refused" for u, a, _ in seen), "the refusals are audited"'
p at-usage 64 --db at.db attachment frob
p at-usage-args 64 --db at.db attachment add VM-012
