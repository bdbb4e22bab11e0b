# cases_marking.sh - issue 11: outputs carry their TLP marking (CSV first line "# TLP:X", JSON
# top-level "tlp", "TLP:X" on stderr for tables) and every importer skips the "#" line; and
# a site's tied FEMA worst pairs are all shown (item 10).
# Sourced by tests/cli/run (p, err_line, out_line, ok, bad... are defined there).

p mark-demo 0 --db mark.db demo

# CSV: the first line is the marking; the sites export a viewer would see is marked lower.
p mark-export-red 0 --db mark.db export sites --max-tlp RED
if [ "$(head -n 1 mark-export-red.out)" = "# TLP:RED" ]; then ok; else bad "export --max-tlp RED: first line $(head -n 1 mark-export-red.out)"; fi
p mark-export-green 0 --db mark.db export sites
if [ "$(head -n 1 mark-export-green.out)" = "# TLP:GREEN" ]; then ok; else bad "export (GREEN): first line $(head -n 1 mark-export-green.out)"; fi
p mark-assess-csv 0 --db mark.db assess --method fema --format csv
if [ "$(head -n 1 mark-assess-csv.out)" = "# TLP:RED" ]; then ok; else bad "assess csv: first line $(head -n 1 mark-assess-csv.out)"; fi
p mark-register-csv 0 --db mark.db register list --format csv
if [ "$(head -n 1 mark-register-csv.out | tr -d '\r')" = "# TLP:RED" ]; then ok; else bad "register csv: first line $(head -n 1 mark-register-csv.out)"; fi
p mark-register-csv-relief 0 --db mark.db register list --format csv --as relief
if [ "$(head -n 1 mark-register-csv-relief.out | tr -d '\r')" = "# TLP:GREEN" ]; then ok; else bad "relief's register csv: first line $(head -n 1 mark-register-csv-relief.out)"; fi
p mark-plan-csv 0 --db mark.db plan --budget 1000000 --format csv
if [ "$(head -n 1 mark-plan-csv.out | tr -d '\r')" = "# TLP:RED" ]; then ok; else bad "plan csv: first line $(head -n 1 mark-plan-csv.out)"; fi
p mark-measures-at-csv 0 --db mark.db measures at VM-029 --format csv
# the site's own label, read from the sites list by the column's name (sites have more columns after it)
site_tlp=$("$PROTECT" --db mark.db sites list --format csv 2>/dev/null | /usr/bin/python3 -c 'import csv, sys
rows = csv.DictReader(l for l in sys.stdin if not l.startswith("#"))
print(*[r["tlp"] for r in rows if r["id"] == "VM-029"])')
if [ -n "$site_tlp" ] && [ "$(head -n 1 mark-measures-at-csv.out | tr -d '\r')" = "# TLP:$site_tlp" ]; then ok; else bad "measures at csv: first line $(head -n 1 mark-measures-at-csv.out), the site is ${site_tlp:-unknown}"; fi

# JSON: a top-level "tlp".
jtlp() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("tlp"))' <"$1.out"; }
for c in "export sites --max-tlp RED --format json" "export sites --max-tlp RED --format geojson" \
	"assess --method fema --format json" "register list --format json" \
	"plan --budget 1000000 --format json"; do
	# shellcheck disable=SC2086
	p mark-json 0 --db mark.db $c
	if [ "$(jtlp mark-json)" = "TLP:RED" ]; then ok; else bad "$c: tlp is $(jtlp mark-json)"; fi
done
p mark-json-green 0 --db mark.db export sites --format json
if [ "$(jtlp mark-json-green)" = "TLP:GREEN" ]; then ok; else bad "export json (GREEN): tlp is $(jtlp mark-json-green)"; fi
p mark-register-json-relief 0 --db mark.db register list --format json --as relief
if [ "$(jtlp mark-register-json-relief)" = "TLP:GREEN" ]; then ok; else bad "relief's register json: tlp $(jtlp mark-register-json-relief)"; fi

# Tables: the label alone on a line of stderr.
p mark-assess-table 0 --db mark.db assess --method fema
err_line "TLP:RED"
p mark-sites-table 0 --db mark.db sites list
err_line "TLP:RED"
p mark-register-table 0 --db mark.db register list --as relief
err_line "TLP:GREEN"
p mark-plan-table 0 --db mark.db plan --budget 1000000
err_line "TLP:RED"
p mark-plan-save 0 --db mark.db plan --budget 1000000 --save marked --as coordinator
p mark-plan-show 0 --db mark.db plan show marked
err_line "TLP:RED"
p mark-plan-show-json 0 --db mark.db plan show marked --format json
if [ "$(jtlp mark-plan-show-json)" = "TLP:RED" ]; then ok; else bad "plan show json: tlp $(jtlp mark-plan-show-json)"; fi

# HTML: the label in the repeated header and footer of the printable report.
p mark-plan-html 0 --db mark.db plan --budget 1000000 --format html
out_has '<thead><tr><td><span class="tlp tlp-header" style="color:#FF2B2B;background:#000">TLP:RED</span></td></tr></thead>'
out_has '<tfoot><tr><td><span class="tlp tlp-footer" style="color:#FF2B2B;background:#000">TLP:RED</span></td></tr></tfoot>'

# Round trip: an exported CSV, "#" line and all, imports again (sites, then assessments).
p mark-roundtrip-init 0 --db mark2.db init
cp mark-export-red.out marked-sites.csv
p mark-roundtrip-import 0 --db mark2.db import sites marked-sites.csv
p mark-roundtrip-export 0 --db mark2.db export sites --max-tlp RED
same_files mark-export-red.out mark-roundtrip-export.out
printf '# TLP:AMBER\n' >marked-fema.csv
cat "$top/data/demo/fema.csv" >>marked-fema.csv
p mark-roundtrip-assess 0 --db mark2.db import assessments marked-fema.csv
p mark-roundtrip-ranking 0 --db mark2.db assess --method fema --format csv
same_files mark-assess-csv.out mark-roundtrip-ranking.out
# A "#" line is only skipped first: a bad header after it is still named on its line (2).
printf '# TLP:CLEAR\nid,nme\n' >marked-bad.csv
p mark-bad-header 65 --db mark2.db import sites marked-bad.csv
err_has "marked-bad.csv:2:"

# Item 10: a tie shows both threats, in catalogue order (vehicle_ramming before bladed_weapon).
p mark-ties 0 --db mark.db assess --method fema
out_has "Liberty Square                             384  high    vehicle_ramming (8 x 6 x 8) and bladed_weapon (8 x 6 x 8)"
out_has "VM-060   Orrinford Winter Market                    320  high    vehicle_ramming (8 x 5 x 8)"
current=mark-assess-csv
out_line "1,VM-052,Liberty Square,384,high,vehicle_ramming,SUBSTANTIAL,vehicle_ramming bladed_weapon"
ties=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1])))[2:]; print(sum(1 for x in r if " " in x[-1]))' mark-assess-csv.out)
if [ "$ties" = 30 ]; then ok; else bad "the demo has $ties sites with tied worst pairs, expected 30"; fi

# --- issue 11 review (m4): one site's outputs carry its own label, empty or not -------------
# sites show: a table, the site's label on stderr (VM-004 is RED, VM-029 GREEN).
p mark-sites-show-red 0 --db mark.db sites show VM-004
err_line "TLP:RED"
p mark-sites-show-green 0 --db mark.db sites show VM-029
err_line "TLP:GREEN"
# register history: table (stderr), CSV (first line), JSON (top-level tlp), even with no change.
p mark-history-table 0 --db mark.db register history VM-004 pbied
out_has "0 changes of VM-004 pbied"
err_line "TLP:RED"
p mark-history-csv 0 --db mark.db register history VM-004 pbied --format csv
if [ "$(head -n 1 mark-history-csv.out | tr -d '\r')" = "# TLP:RED" ] &&
	[ "$(sed -n 2p mark-history-csv.out | tr -d '\r')" = "at,actor,action,detail" ]; then ok; else bad "history csv: $(head -n 2 mark-history-csv.out)"; fi
p mark-history-json 0 --db mark.db register history VM-029 pbied --format json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["site_id"], d["threat_id"], d["tlp"], d["items"]) == ("VM-029", "pbied", "TLP:GREEN", []), d' mark-history-json.out; then ok; else bad "history json: $(head -c 300 mark-history-json.out)"; fi
# measures at a site with no measure: the site's own label, not TLP:CLEAR (VM-017 is AMBER+STRICT).
p mark-measures-at-empty 0 --db mark.db measures at VM-017
out_has "0 measures at VM-017"
err_line "TLP:AMBER+STRICT"
p mark-measures-at-empty-json 0 --db mark.db measures at VM-017 --format json
if [ "$(jtlp mark-measures-at-empty-json)" = "TLP:AMBER+STRICT" ]; then ok; else bad "measures at VM-017 json: tlp $(jtlp mark-measures-at-empty-json)"; fi

# --- issue 11 review (m8): an overdue review shows its date and says overdue ---------------
p mark-review-set 0 --db mark.db register set VM-029 pbied --treatment reduce --review-date 2027-01-10
PROTECT_NOW=2027-03-02 "$PROTECT" --db mark.db register list >mark-review-overdue.out 2>mark-review-overdue.err
current=mark-review-overdue
if grep -qE '^VM-029 +pbied +high .* reduce .* 2027-01-10 overdue ' mark-review-overdue.out; then ok; else bad "overdue row: $(grep '^VM-029 *pbied' mark-review-overdue.out)"; fi
p mark-review-due 0 --db mark.db register list
if grep -qE '^VM-029 +pbied +high .* reduce .* 2027-01-10 +- *$' mark-review-due.out; then ok; else bad "row not yet due: $(grep '^VM-029 *pbied' mark-review-due.out)"; fi
