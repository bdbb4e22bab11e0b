# cases_csv.sh - spreadsheet formulas in CSV (issue 10): text cells that begin with
# = + - @ tab or CR are written guarded ("'=..." in quotes), and so is the text after a ;, a tab or
# a line break inside a cell; numbers bare; the importers drop the guards, so export then import
# gives the same rows. Sourced by tests/cli/run.

# fx_json WHAT FILE PYTHON: the JSON in FILE satisfies the Python code (j is the document)
fx_json() {
	local what=$1 file=$2 code=$3 msg
	if msg=$(/usr/bin/python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
$code
" "$file" 2>&1); then ok; else bad "$what: $(echo "$msg" | tail -3)"; fi
}

# out_lines: every line of stdin is in the last command's stdout (literal text)
out_lines() {
	local want
	while IFS= read -r want; do out_has "$want"; done
}

# names a spreadsheet would run, a hand-written guard (F003) and negative coordinates
cat >fx-sites.csv <<'CSV'
id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp
-5,"=HYPERLINK(""http://evil.example/"",""click"")",soft_target,stadium_arena,=Owner Ltd,45.1423,-3.5,Owlmere,32000,30500,0,140000000,GREEN
F002,-5 Hall,public_space,public_square,@risk Holdings,-45.5,12.3355,+44 line,,8000,0,5000000,CLEAR
F003,'=already guarded,public_space,public_square,'plain owner,45.5,-0.25,"	Tabbed",,8000,0,5000000,AMBER
F004,+44 line,public_space,public_square,O'Neill Estates,45.5,12.3355,Brackwater,,8000,0,5000000,CLEAR
F005,@risk,public_space,public_square,O'Neill Estates,45.5,12.3355,Brackwater,,8000,0,5000000,CLEAR
F006,''-kept apostrophe,public_space,public_square,O'Neill Estates,45.5,12.3355,Brackwater,,8000,0,5000000,CLEAR
CSV
p fx-init 0 --db fx.db init
p fx-import 0 --db fx.db import sites fx-sites.csv
out_has "fx-sites.csv: 6 sites imported (6 created, 0 updated)"
# the export: guarded text cells, bare numbers (-3.5, -45.5, -0.25)
p fx-export 0 --db fx.db export sites --max-tlp RED
golden csv-formulas-export.csv
cp fx-export.out fx-a.csv
p fx-export-json 0 --db fx.db export sites --format json --max-tlp RED
cp fx-export-json.out fx-a.json
fx_json "stored texts" fx-a.json '
s = {x["id"]: x for x in j["sites"]}
assert s["-5"]["name"] == "=HYPERLINK(\"http://evil.example/\",\"click\")", s["-5"]["name"]
assert s["-5"]["owner"] == "=Owner Ltd" and s["-5"]["lon"] == -3.5
assert s["F002"]["name"] == "-5 Hall" and s["F002"]["owner"] == "@risk Holdings"
assert s["F002"]["region"] == "+44 line" and s["F002"]["lat"] == -45.5
assert s["F003"]["name"] == "=already guarded", s["F003"]["name"]
assert s["F003"]["owner"] == "'\''plain owner" and s["F003"]["region"] == "\tTabbed"
assert s["F004"]["name"] == "+44 line" and s["F005"]["name"] == "@risk"
assert s["F006"]["name"] == "'\''-kept apostrophe", s["F006"]["name"]'
# the round trip: import the export elsewhere, export again: the same bytes, the same records
p fx-init-b 0 --db fxb.db init
p fx-import-b 0 --db fxb.db import sites fx-a.csv
out_has "fx-a.csv: 6 sites imported (6 created, 0 updated)"
p fx-export-b 0 --db fxb.db export sites --max-tlp RED
same_files fx-a.csv fx-export-b.out
p fx-export-b-json 0 --db fxb.db export sites --format json --max-tlp RED
same_files fx-a.json fx-export-b-json.out

# assessments of site "-5": imported guarded, ranked guarded
cat >fx-fema.csv <<'CSV'
site_id,threat_id,asset_value,threat_rating,vulnerability_rating
"'-5",arson,8,3,3
F002,arson,5,5,5
CSV
p fx-fema 0 --db fx.db import assessments fx-fema.csv
out_has "fx-fema.csv: 2 fema assessment rows imported"
p fx-assess 0 --db fx.db assess --method fema --format csv
out_lines <<'OUT'
1,F002,"'-5 Hall",125,medium,arson,
2,"'-5","'=HYPERLINK(""http://evil.example/"",""click"")",72,medium,arson,
OUT

# measures and their effects: export, import elsewhere, export again
cat >fx-measures.csv <<'CSV'
id,name,family,capex_eur,opex_eur_year,lifetime_years,privacy,movement,discrimination,legal_basis,removes_step_free,kinds,sectors,exclusive_group,description
-guard,"=SUM(1,2)",awareness_training,5000,200,10,0,0,0,0,0,*,*,-grp,@description +1
CSV
printf 'measure_id,threat_id,v_reduction,c_reduction\n-guard,arson,0.1,0\n' >fx-effects.csv
p fx-measures 0 --db fx.db import measures fx-measures.csv fx-effects.csv
p fx-measures-export 0 --db fx.db measures export
out_lines <<'OUT'
"'-guard","'=SUM(1,2)",awareness_training,5000,200,10,0,0,0,none,0,*,*,"'-grp","'@description +1",size,0,0,,
OUT
cp fx-measures-export.out fx-ma.csv
p fx-effects-export 0 --db fx.db measures export --effects
out_lines <<'OUT'
"'-guard",arson,0.1,0
OUT
cp fx-effects-export.out fx-ea.csv
p fx-measures-b 0 --db fxb.db import measures fx-ma.csv fx-ea.csv
p fx-measures-export-b 0 --db fxb.db measures export
same_files fx-ma.csv fx-measures-export-b.out
p fx-effects-export-b 0 --db fxb.db measures export --effects
same_files fx-ea.csv fx-effects-export-b.out
p fx-measures-list 0 --db fxb.db measures list --format json
fx_json "measure texts" fx-measures-list.out '
m = [x for x in j if x["id"] == "-guard"][0]
assert m["name"] == "=SUM(1,2)" and m["description"] == "@description +1", m'
p fx-measures-list-csv 0 --db fx.db measures list --format csv
out_lines <<'OUT'
"'-guard","'=SUM(1,2)"
OUT

# measures in place: guarded ids read unguarded; "measures at" writes them guarded again
cat >fx-site-measures.csv <<'CSV'
site_id,measure_id
F002,"'-guard"
"'-5",-guard
CSV
p fx-site-measures 0 --db fx.db import site-measures fx-site-measures.csv
out_has "fx-site-measures.csv: 2 measures in place imported"
p fx-measures-at 0 --db fx.db measures at F002 --format csv
out_lines <<'OUT'
F002,"'-guard",existing,
OUT

# organisations, users and the audit log
p fx-org 0 --db fx.db org add "=Org" --type ngo
p fx-org-list 0 --db fx.db org list --format csv
out_lines <<'OUT'
"'=Org",ngo,
"'@risk Holdings",operator,
'plain owner,operator,
OUT
printf 'Correct-Horse-Battery-9\n' >fx-pw.txt
p fx-user 0 --db fx.db user add ops-1 --org "=Org" --role analyst <fx-pw.txt
p fx-user-list 0 --db fx.db user list --format csv
out_lines <<'OUT'
ops-1,analyst,"'=Org",ngo
OUT
p fx-audit 0 --db fx.db audit list --format csv
out_lines <<'OUT'
,org.create,organisations,
"'=Org (ngo)"
OUT

# saved plans: a name and a region that look like formulas
p fx-plan 0 --db fx.db plan --budget 1000000 --region "+44 line" --save -p1 --format csv
p fx-plan-list 0 --db fx.db plan list --format csv
out_lines <<'OUT'
"'-p1",
,fast,"'+44 line",1000000.00,
OUT

# the risk register: a note that would run a command; "no approval needed" (-) is text too
p fx-demo 0 --db fxd.db demo
p fx-reg-set 0 --db fxd.db register set VM-029 pbied --treatment reduce --note "=cmd|' /C calc'!A0" --as coordinator
p fx-reg-list 0 --db fxd.db register list --site VM-029 --format csv
out_lines <<'OUT'
,reduce,"'-",Harbourlight Group,,,,"'=cmd|' /C calc'!A0",
OUT
p fx-reg-list-json 0 --db fxd.db register list --site VM-029 --format json
fx_json "register note" fx-reg-list-json.out '
r = [x for x in j["items"] if x["threat_id"] == "pbied"][0]
assert r["note"] == "=cmd|'"'"' /C calc'"'"'!A0", r["note"]'

# a formula after a ; inside a text (Excel in a de/fr/nl locale splits cells on ;, where the
# quotes around the field do not count), after a tab and after a line break: guarded there too
cat >fx-semi.csv <<'CSV'
id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp
FX-50,Hall;=1+1;,critical_infrastructure,energy,Grid;-Ops;;@x,52.1,-1.25,North;''=kept,,10,0,2500000,CLEAR
FX-51,"Depot	+1","critical_infrastructure","energy","Line one
=2+2;",52.2,-1.5,a;b,,10,0,2500000,CLEAR
CSV
p fx-semi-init 0 --db fxs.db init
p fx-semi-import 0 --db fxs.db import sites fx-semi.csv
out_has "fx-semi.csv: 2 sites imported (2 created, 0 updated)"
p fx-semi-export 0 --db fxs.db export sites --max-tlp RED
out_lines <<'OUT'
FX-50,Hall;'=1+1;,critical_infrastructure,energy,Grid;'-Ops;;'@x,52.1,-1.25,North;''=kept,,10,0,2500000,CLEAR
FX-51,Depot	'+1,critical_infrastructure,energy,"Line one
'=2+2;",52.2,-1.5,a;b,,10,0,2500000,CLEAR
OUT
cp fx-semi-export.out fx-semi-a.csv
p fx-semi-json 0 --db fxs.db export sites --format json --max-tlp RED
cp fx-semi-json.out fx-semi-a.json
fx_json "texts with ; tab and line breaks" fx-semi-a.json '
s = {x["id"]: x for x in j["sites"]}
assert s["FX-50"]["name"] == "Hall;=1+1;", s["FX-50"]["name"]
assert s["FX-50"]["owner"] == "Grid;-Ops;;@x" and s["FX-50"]["lon"] == -1.25, s["FX-50"]
assert s["FX-50"]["region"] == "North;'\''=kept", s["FX-50"]["region"]
assert s["FX-51"]["name"] == "Depot\t+1" and s["FX-51"]["owner"] == "Line one\n=2+2;", s["FX-51"]'
# re-imported elsewhere: the same names, the same bytes exported
p fx-semi-init-b 0 --db fxsb.db init
p fx-semi-import-b 0 --db fxsb.db import sites fx-semi-a.csv
out_has "fx-semi-a.csv: 2 sites imported (2 created, 0 updated)"
p fx-semi-export-b 0 --db fxsb.db export sites --max-tlp RED
same_files fx-semi-a.csv fx-semi-export-b.out
p fx-semi-json-b 0 --db fxsb.db export sites --format json --max-tlp RED
same_files fx-semi-a.json fx-semi-json-b.out

# --- issue 11 (owner2): an update keeps the optional columns a file leaves out (an empty cell
# is unknown); the audit entry names the fields changed, old and new; implausible cost drivers
ow_h=id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp
ow_r='VM-032,Harbourlight Galleria,soft_target,shopping_centre,Harbourlight Group,47.1244,-11.96813,Old Town,18000,15000,0,380000000,GREEN'
p ow-demo 0 --db ow.db demo
printf '%s\n%s\n' "$ow_h" "${ow_r/,15000,/,14000,}" >ow-13.csv
p ow-import-13 0 --db ow.db import sites ow-13.csv
out_has "ow-13.csv: 1 sites imported (0 created, 1 updated)"
p ow-show-13 0 --db ow.db sites show VM-032
out_lines <<'TXT'
peak occupancy     14000
staff              1500
perimeter_m        650
enclosure          enclosed
legal basis        entry
TXT
printf '%s,staff,legal_basis\n%s,1400,\n' "$ow_h" "$ow_r" >ow-empty.csv
p ow-import-empty 0 --db ow.db import sites ow-empty.csv
p ow-show-empty 0 --db ow.db sites show VM-032
out_lines <<'TXT'
staff              1400
perimeter_m        650
legal basis        unknown
TXT
p ow-audit 0 --db ow.db audit list --limit 2 --format csv
out_has '"1 sites: 0 created, 1 updated; VM-032: peak_occupancy 14000->15000, staff 1500->1400, legal_basis entry->unknown"'
out_has '"1 sites: 0 created, 1 updated; VM-032: peak_occupancy 15000->14000"'
printf '%s,perimeter_m\n%s,1\n' "$ow_h" "$ow_r" >ow-perimeter.csv
p ow-perimeter 65 --db ow.db import sites ow-perimeter.csv
err_has "ow-perimeter.csv:2: perimeter_m: 1 m cannot enclose 15000 people"
printf '%s,entrances\n%s,0\n' "$ow_h" "$ow_r" >ow-entrances.csv
p ow-entrances 65 --db ow.db import sites ow-entrances.csv
err_has "ow-entrances.csv:2: entrances: 0 for an enclosed site that people are in"

# --- issue 16 (item 2): a hospital's emergency department, an optional column; a file without
# it keeps the stored value; yes is for a health-sector site only
p ed-show-lab 0 --db ow.db sites show VM-015
out_line "emergency dept.    no"
ed_h=id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp
ed_r='VM-013,Brackwater District Hospital,critical_infrastructure,health,Vellmark Hospitals Trust,47.17241,-12.19496,Brackwater,1400,1150,120000,210000000,GREEN'
printf '%s\n%s\n' "$ed_h" "${ed_r/,1150,/,1100,}" >ed-old.csv
p ed-import-old 0 --db ow.db import sites ed-old.csv
p ed-show-kept 0 --db ow.db sites show VM-013
out_lines <<'TXT'
peak occupancy     1100
emergency dept.    yes
TXT
printf '%s,emergency_department\n%s,no\n' "$ed_h" "$ed_r" >ed-no.csv
p ed-import-no 0 --db ow.db import sites ed-no.csv
p ed-audit 0 --db ow.db audit list --limit 1 --format csv
out_has '"1 sites: 0 created, 1 updated; VM-013: peak_occupancy 1100->1150, emergency_department yes->no"'
printf '%s,emergency_department\n%s,maybe\n' "$ed_h" "$ed_r" >ed-bad.csv
p ed-import-bad 65 --db ow.db import sites ed-bad.csv
err_line 'protect: ed-bad.csv:2: emergency_department: "maybe" is not yes or no (empty when unknown)'
printf '%s,emergency_department\n%s,yes\n' "$ow_h" "$ow_r" >ed-mall.csv
p ed-import-mall 65 --db ow.db import sites ed-mall.csv
err_line "protect: ed-mall.csv:2: emergency_department: yes is for a health-sector site (a hospital); this site's sector is shopping_centre (give no, or empty when unknown)"
p ed-export 0 --db ow.db export sites --max-tlp RED
if grep -q '^VM-013,.*,none,no$' ed-export.out && grep -q '^VM-012,.*,none,yes$' ed-export.out &&
	grep -q '^id,.*,legal_basis,emergency_department$' ed-export.out; then ok; else
	bad "the export lacks the emergency_department column: $(grep -E '^(id|VM-01[23]),' ed-export.out)"; fi
