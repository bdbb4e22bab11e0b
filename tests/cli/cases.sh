# cases.sh - the command-line cases, sourced by tests/cli/run (cwd is a
# scratch directory; p, err_line, out_has, golden... are defined there).

# --- usage -------------------------------------------------------------------
p usage-none 64
err_has "usage: protect [--db FILE] COMMAND"
p usage-unknown 64 frobnicate
err_line "protect: unknown command 'frobnicate'"
p usage-db-missing 64 --db
err_line "protect: --db needs a FILE"
p usage-help 0 --help
out_has "assess"
out_has "threat-level"
p usage-help-cmd 0 help assess
out_has "usage: protect [--db FILE] assess --method fema|carver|quant"
p usage-version 0 --version
out_has "protect "

# --- a database that is missing, not initialised, or not a database -----------
p missing-db 66 --db nowhere.db sites list
err_has "nowhere.db"
err_has "protect init"
if [ -e nowhere.db ]; then bad "a read command created nowhere.db"; else ok; fi
printf 'this is not a database, just text that is long enough to be read as a header....\n' > notadb.db
p not-a-db 74 --db notadb.db sites list
err_has "notadb.db"
p db-dir-missing 74 --db no/such/dir/x.db init

# --- init, and the database from $PROTECT_DB ------------------------------------
p init 0 --db reg.db init
out_has "reg.db: registry ready"
PROTECT_DB=reg.db p env-db 0 sites list
out_has "0 sites"
p init-extra-arg 64 --db reg.db init now
# A registry written by a newer protect (its schema version past ours) is refused, untouched.
cp reg.db newer.db
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); v=c.execute("PRAGMA user_version").fetchone()[0]; c.execute("PRAGMA user_version = %d" % (v + 1)); c.commit()' newer.db
p newer-schema 74 --db newer.db sites list
err_has "newer.db: the database's schema version"
err_has "the newest this protect knows; use a newer protect"
p newer-schema-init 74 --db newer.db init

# --- import sites ---------------------------------------------------------------
cp "$DATA"/sites_small.csv "$DATA"/sites_quoted.csv "$DATA"/warn_overcapacity.csv .
p import-sites 0 --db reg.db import sites sites_small.csv
out_has "sites_small.csv: 4 sites imported (4 created, 0 updated), with warnings above"
err_line "protect: sites_small.csv:2: peak_occupancy: warning: 1400 is above the capacity 900"
p import-sites-again 0 --db reg.db import sites sites_small.csv
out_has "sites_small.csv: 4 sites imported (0 created, 4 updated)"
# RFC 4180: BOM, CRLF, columns in another order, quoted commas, quotes and a line break
p import-quoted 0 --db reg.db import sites sites_quoted.csv
out_has "sites_quoted.csv: 2 sites imported (2 created, 0 updated)"
p show-quoted 0 --db reg.db sites show T005
out_has "name               Saint Ivo"
out_has "Chapel, Old Town"
out_has "tlp                TLP:AMBER+STRICT"
p show-quoted-2 0 --db reg.db sites show T006
out_has 'name               Quayside "Harbour" Market'
out_has "capacity           -"
p import-warn 0 --db reg.db import sites warn_overcapacity.csv
err_line "protect: warn_overcapacity.csv:2: peak_occupancy: warning: 150 is above the capacity 100"
p import-missing-file 66 --db reg.db import sites nosuch.csv
err_line "protect: nosuch.csv: No such file or directory"
p import-no-file 64 --db reg.db import sites
p import-what 64 --db reg.db import people x.csv

reject_sites bad_sector.csv "bad_sector.csv:3: sector: unknown sector \"casino\"; valid: banking, digital_infrastructure, drinking_water, energy, event_venue, financial_market_infrastructure, food, health, hotel, market, place_of_worship, public_administration, public_square, school, shopping_centre, space, stadium_arena, tourist_site, transport, transport_hub, waste_water"
reject_sites bad_kind.csv 'bad_kind.csv:2: kind: unknown kind "stadium"; valid: critical_infrastructure, public_space, soft_target'
reject_sites bad_duplicate.csv 'bad_duplicate.csv:4: id: duplicate id "T010" (first on line 2)'
reject_sites bad_negative.csv 'bad_negative.csv:3: peak_occupancy: -5 is negative; it must be 0 or more'
reject_sites bad_not_number.csv 'bad_not_number.csv:2: capacity: "12abc" is not a number'
reject_sites bad_lat.csv 'bad_lat.csv:4: lat: 91.5 is out of range -90 to 90'
reject_sites bad_lon.csv 'bad_lon.csv:2: lon: -180.5 is out of range -180 to 180'
reject_sites bad_utf8.csv 'bad_utf8.csv:2: name: invalid UTF-8 (byte 0xFF: a byte that never occurs in UTF-8); save the file as UTF-8'
reject_sites bad_long_field.csv 'bad_long_field.csv:2: name: field longer than 4096 bytes'
reject_sites bad_missing_column.csv 'bad_missing_column.csv:1: tlp: required column missing'
reject_sites bad_unknown_column.csv 'bad_unknown_column.csv:1: unknown column "colour"; known columns: id, name, kind, sector, owner, lat, lon, region, capacity, peak_occupancy, population_served, economic_value_eur, tlp, staff, entrances, perimeter_m, vehicle_approaches, screened_per_day, control_systems, enclosure, staffed, legal_basis, emergency_department'
reject_sites bad_tlp.csv 'bad_tlp.csv:2: tlp: unknown label "YELLOW"; valid: CLEAR, GREEN, AMBER, AMBER+STRICT, RED'
reject_sites bad_unterminated.csv 'bad_unterminated.csv:2: name: quoted field never closes (missing closing ")'
# issue 13 review (attack 2): a site's name and region reach public alerts: no bidi controls, no U+FFFE
reject_sites bad_public_name.csv 'bad_public_name.csv:3: name: contains U+202E (a bidi control, which reverses what a reader sees), which may not reach a public alert'
reject_sites bad_public_region.csv 'bad_public_region.csv:2: region: contains U+FFFE (not an XML character), which may not reach a public alert'
# the line is the physical line: the record before spans lines 2-4
reject_sites bad_after_multiline.csv 'bad_after_multiline.csv:5: economic_value_eur: "nope" is not a number'

# --- import assessments ---------------------------------------------------------
for f in fema_small.csv carver_small.csv quant_small.csv; do cp "$DATA/$f" .; done
p import-fema 0 --db reg.db import assessments fema_small.csv
out_has "fema_small.csv: 9 fema assessment rows imported"
p import-carver 0 --db reg.db import assessments carver_small.csv
out_has "carver_small.csv: 4 carver assessment rows imported"
p import-quant 0 --db reg.db import assessments quant_small.csv
out_has "quant_small.csv: 6 quant assessment rows imported"
p import-quant-again 0 --db reg.db import assessments quant_small.csv
p count-after-replace 0 --db reg.db sites show T001
if [ "$(grep -c '^  armed_assault_team' count-after-replace.out)" = 2 ]; then ok; else bad "re-import duplicated rows"; fi

reject_assessments bad_fema_rating.csv 'bad_fema_rating.csv:3: asset_value: 11 is out of range 1 to 10'
reject_assessments bad_fema_threat.csv 'bad_fema_threat.csv:2: threat_id: unknown threat "alien_invasion"; valid: armed_assault_lone, armed_assault_team, arson, bladed_weapon, chemical_release, cyber_physical, drone_uas, hostage_taking, insider_sabotage, pbied, vbied_large, vbied_small, vehicle_ramming'
reject_assessments bad_fema_site.csv 'bad_fema_site.csv:3: site_id: unknown site id "T999" (import the sites first)'
reject_assessments bad_fema_duplicate.csv 'bad_fema_duplicate.csv:3: site_id: duplicate row for site "T001" and threat "pbied" (first on line 2)'
reject_assessments bad_quant_order.csv 'bad_quant_order.csv:2: p_success: min 0.5 is greater than mode 0.3'
reject_assessments bad_quant_prob.csv 'bad_quant_prob.csv:2: p_attempt_max: 1.5 is out of range 0 to 1'
reject_assessments bad_carver_duplicate.csv 'bad_carver_duplicate.csv:4: site_id: duplicate row for site "T001" (first on line 2)'
reject_assessments bad_header.csv 'bad_header.csv:1: the header fits none of the assessment formats; FEMA 426/452: site_id,threat_id,asset_value,threat_rating,vulnerability_rating; CARVER + Shock: site_id,criticality,accessibility,recuperability,vulnerability,effect,recognizability,shock; quantitative: site_id,threat_id,p_attempt_min,p_attempt_mode,p_attempt_max,p_success_min,p_success_mode,p_success_max,fatalities_min,fatalities_mode,fatalities_max,injuries_min,injuries_mode,injuries_max,loss_eur_min,loss_eur_mode,loss_eur_max'
# a rejected FEMA file changed nothing: the first, valid row of bad_fema_site.csv is not there
p fema-unchanged 0 --db reg.db sites show T001
out_has "pbied                 9 x  4 x  6 =  216"

# --- sites list / show, export and the TLP filter ------------------------------------
p sites-list 0 --db reg.db sites list
golden sites-list.txt
p sites-show-missing 66 --db reg.db sites show NOPE
err_line "protect: no site with id 'NOPE'"
p sites-bad-action 64 --db reg.db sites delete T001
p export-default 0 --db reg.db export sites
err_line "protect: exported 4 sites up to TLP:GREEN; withheld 3 above it"
out_lacks "T001"
out_has "T002,Owlmere Arena"
golden export-green.csv
p export-amber-json 0 --db reg.db export sites --format json --max-tlp AMBER
err_line "protect: exported 5 sites up to TLP:AMBER; withheld 2 above it"
out_has '"id": "T001"'
out_lacks '"id": "T004"'
p export-red-geojson 0 --db reg.db export sites --format geojson --max-tlp RED
out_has '"type": "FeatureCollection"'
err_line "protect: exported 7 sites up to TLP:RED; withheld 0 above it"
p export-bad-tlp 64 --db reg.db export sites --max-tlp YELLOW
p export-bad-format 64 --db reg.db export sites --format xml
# export, then import the export into a new registry: the same sites come back
p export-all 0 --db reg.db export sites --max-tlp RED
mv export-all.out all.csv
p roundtrip-init 0 --db copy.db init
p roundtrip-import 0 --db copy.db import sites all.csv
p roundtrip-export 0 --db copy.db export sites --max-tlp RED
same_files all.csv roundtrip-export.out
p export-geo 0 --db reg.db export sites --format geojson --max-tlp RED
mv export-geo.out all.geojson
p roundtrip-geo-init 0 --db geo.db init
p roundtrip-geo-import 0 --db geo.db import sites all.geojson
p roundtrip-geo-export 0 --db geo.db export sites --max-tlp RED
same_files all.csv roundtrip-geo-export.out

# --- config ---------------------------------------------------------------------
p config-show 0 --db reg.db config show
out_has "fema.band.low_max"
out_has "quant.vsl_eur"
p config-set 0 --db reg.db config set quant.samples 500
out_has "quant.samples = 500"
p config-show-after 0 --db reg.db config show
if grep -qE '^quant\.samples +500 ' config-show-after.out; then ok; else bad "quant.samples not 500 after set"; fi
p config-set-unknown 65 --db reg.db config set quant.colour blue
err_line "protect: quant.colour: unknown setting; 'protect config show' lists them"
p config-set-range 65 --db reg.db config set quant.national_share 1.5
err_has "quant.national_share"
p config-set-nan 65 --db reg.db config set fema.band.low_max abc
err_has "fema.band.low_max"
p config-usage 64 --db reg.db config set quant.samples

# --- threat level ---------------------------------------------------------------
p level-show 0 --db reg.db threat-level show
out_has "national threat level: SUBSTANTIAL"
out_has "  none: the national level is SUBSTANTIAL by default"
p level-bad 64 --db reg.db threat-level set PURPLE --rationale test
err_line "protect threat-level: 'PURPLE' is not LOW, MODERATE, SUBSTANTIAL, SEVERE or CRITICAL"
p level-bad-threat 65 --db reg.db threat-level set SEVERE --rationale test --threat alien_invasion
err_has "alien_invasion"

# --- demo: the fictional region, from any directory ------------------------------
mkdir -p elsewhere
(cd elsewhere && "$PROTECT" --db ../demo.db demo >../demo-load.out 2>../demo-load.err)
if [ $? -eq 0 ] && grep -q "demo region loaded" demo-load.out; then ok; else bad "protect demo from another directory failed: $(cat demo-load.err)"; fi
p demo-sites 0 --db demo.db sites list
if [ "$(tail -n 1 demo-sites.out)" = "68 sites" ]; then ok; else bad "demo has $(tail -n 1 demo-sites.out)"; fi
for k in critical_infrastructure soft_target public_space; do out_has " $k "; done
for t in CLEAR GREEN AMBER AMBER+STRICT RED; do
	if awk -v t="$t" '$NF == t { found = 1 } END { exit !found }' demo-sites.out; then ok; else bad "demo has no $t site"; fi
done

# --- assess ----------------------------------------------------------------------
p assess-fema 0 --db demo.db assess --method fema
golden assess-fema.txt
p assess-fema-csv 0 --db demo.db assess --method fema --format csv
if [ "$(sed -n 2p assess-fema-csv.out)" = "rank,site_id,name,score,band,worst_threat,threat_level,worst_threats" ]; then ok; else bad "fema csv header: $(sed -n 2p assess-fema-csv.out)"; fi
if [ "$(wc -l < assess-fema-csv.out)" -eq 70 ]; then ok; else bad "fema csv rows: $(wc -l < assess-fema-csv.out)"; fi # the marking line, the header, 68 sites
p assess-carver 0 --db demo.db assess --method carver --format csv
golden assess-carver.csv
# quant: header, exact scores, thread invariance, seed dependence
p assess-quant 0 --db demo.db assess --method quant --samples 400 --seed 11 --threads 1 --format csv
if [ "$(sed -n 2p assess-quant.out)" = "rank,site_id,name,score,loss_band,mean,p5,p95,p_topk,own_eur,downstream_eur,worst_threat,threat_level" ]; then ok; else bad "quant csv header: $(sed -n 2p assess-quant.out)"; fi
golden assess-quant.csv
p assess-quant-2t 0 --db demo.db assess --method quant --samples 400 --seed 11 --threads 2 --format csv
same_files assess-quant.out assess-quant-2t.out
p assess-quant-3t 0 --db demo.db assess --method quant --samples 400 --seed 11 --threads 3 --format csv
same_files assess-quant.out assess-quant-3t.out
p assess-quant-seed 0 --db demo.db assess --method quant --samples 400 --seed 12 --threads 1 --format csv
cut -d, -f1-5 assess-quant.out > scores-11
cut -d, -f1-5 assess-quant-seed.out > scores-12
same_files scores-11 scores-12   # the exact scores do not depend on the seed
if cmp -s assess-quant.out assess-quant-seed.out; then bad "another seed gave the same samples"; else ok; fi
# mean agrees with the exact score: within 15% for every site at 400 samples
if awk -F, 'NR > 1 { d = ($6 - $4) / $4; if (d < 0) d = -d; if (d > 0.15) { print "site " $2 ": mean " $6 " score " $4; bad = 1 } } END { exit bad }' assess-quant.out; then ok; else bad "a sample mean is far from the exact score"; fi
p assess-quant-json 0 --db demo.db assess --method quant --samples 200 --format json --limit 5
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["method"]=="quant" and len(d["sites"])==5 and d["sites"][0]["rank"]==1 and d["threat_level"]=="SUBSTANTIAL"' assess-quant-json.out; then ok; else bad "quant json"; fi
p assess-table 0 --db demo.db assess --method quant --samples 300 --limit 10 --top-k 5
out_has "threat level SUBSTANTIAL; 300 samples"
out_has "... 58 more (--limit)"
out_has "share of samples in the top 5"
p assess-conditional 0 --db demo.db assess --method quant --conditional --samples 0 --format csv
if [ "$(awk -F, 'NR==2 {print ($4 > 1e6)}' assess-conditional.out)" = 1 ]; then ok; else bad "conditional risk (T = 1) should exceed EUR 1e6 for the top site"; fi
p assess-bad-method 64 --db demo.db assess --method guess
err_line "protect assess: --method: 'guess' is not fema, carver or quant"
p assess-bad-samples 64 --db demo.db assess --method quant --samples -3
p assess-bad-threads 64 --db demo.db assess --method quant --threads 0
p assess-fema-samples 64 --db demo.db assess --method fema --samples 10
p assess-bad-format 64 --db demo.db assess --format xml

# --- threat level changes the quantitative ranking and says so ---------------------
p level-demo-before 0 --db demo.db assess --method quant --samples 0 --format csv
p level-set 0 --db demo.db threat-level set SEVERE --rationale test
out_has "national threat level: SEVERE"
p level-demo-after 0 --db demo.db assess --method quant --samples 0 --format csv
if awk -F, 'NR==FNR { if (FNR > 2) before[$2] = $4; next } FNR > 2 && !($4 > before[$2]) { bad = 1 } END { exit bad }' level-demo-before.out level-demo-after.out; then ok; else bad "SEVERE did not raise every site's expected loss"; fi
if [ "$(awk -F, 'NR==3 {print $NF}' level-demo-after.out)" = SEVERE ]; then ok; else bad "result does not say SEVERE"; fi
p level-per-threat 0 --db demo.db threat-level set CRITICAL --rationale test --threat vehicle_ramming
p level-show-2 0 --db demo.db threat-level show
out_has "national threat level: SEVERE"
out_has "vehicle_ramming"
p level-table 0 --db demo.db assess --method quant --samples 0 --limit 1
out_has "threat level SEVERE (vehicle_ramming=CRITICAL)"
# issue 11 item 2: each risk band in the register says the threat level it is at
p level-register 0 --db demo.db register list
out_has "Risk bands at today's threat levels: SEVERE ("
out_has " CRITICAL ("
p level-register-json 0 --db demo.db register list --format json
if /usr/bin/python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["items"]
lv = {(x["threat_id"], x["threat_level"]) for x in e}
assert ("vehicle_ramming", "CRITICAL") in lv and ("pbied", "SEVERE") in lv, lv
assert all(x["threat_level"] == ("CRITICAL" if x["threat_id"] == "vehicle_ramming" else "SEVERE") for x in e)
' level-register-json.out; then ok; else bad "register entries do not say the level of their band"; fi
p level-back 0 --db demo.db threat-level set SUBSTANTIAL --rationale test

# --- threat-level governance (issue 11, items 8 and 9; the clock is PROTECT_NOW) ------
cp demo.db gov.db && cp demo.db.key gov.db.key
# demo.db keeps vehicle_ramming at CRITICAL from above: cleared, it follows the national level
p gov-clear-vr 0 --db gov.db threat-level clear --threat vehicle_ramming --rationale "back to the national level"
out_line "threat level for vehicle_ramming cleared (was CRITICAL)"
p gov-no-rationale 64 --db gov.db threat-level set CRITICAL
err_line "protect threat-level: --rationale TEXT is required: say why the level changes"
p gov-clear-national 64 --db gov.db threat-level clear --rationale x
p gov-below-national 64 --db gov.db threat-level set LOW --below --rationale x
p gov-two-scopes 64 --db gov.db threat-level set LOW --threat pbied --sector energy --rationale x
p gov-bad-until 64 --db gov.db threat-level set SEVERE --rationale x --until soon
p gov-past-until 65 --db gov.db threat-level set SEVERE --rationale x --until 2026-11-30
err_has "the expiry must be in the future"
p gov-bad-sector 65 --db gov.db threat-level set SEVERE --sector moon_base --rationale x
err_has 'unknown sector "moon_base"'
p gov-bad-region 65 --db gov.db threat-level set SEVERE --region Atlantis --rationale x
err_has 'unknown region "Atlantis"'
p gov-clear-none 66 --db gov.db threat-level clear --threat pbied --rationale x
err_has "has no level of its own to clear"
# The winter market's vehicle ramming, accepted at medium (a review date is required and not past).
p gov-accept-nodate 65 --db gov.db register set VM-060 vehicle_ramming --treatment accept
err_has "accepting a risk needs a review date"
p gov-accept-past 65 --db gov.db register set VM-060 vehicle_ramming --treatment accept --review-date 2026-11-30
err_line "protect: review_date: review date 2026-11-30 is before today (2026-12-01): give a date from today on"
p gov-accept 0 --db gov.db register set VM-060 vehicle_ramming --treatment accept --review-date 2027-03-01
p gov-pin 0 --db gov.db threat-level set SEVERE --threat pbied --rationale "PBIED assessed severe"
out_line "threat level for pbied: SEVERE (was not set)"
p gov-plan-severe 0 --db gov.db plan --budget 5000000 --format json
p gov-critical 0 --db gov.db threat-level set CRITICAL --rationale "attack expected imminently"
out_line "national threat level: CRITICAL (was SUBSTANTIAL)"
out_line "  VM-060 vehicle_ramming (Orrinford Winter Market): medium -> high"
# PBIED pinned at SEVERE no longer holds below CRITICAL: today's levels are those of unpinned
# CRITICAL, so the sites' own national expected loss is EUR 36.02 M a year as without the pin (plus the downstream consequence, issue 12), and
# the plan's surge (screened at today's level of each pair) is the same. The plan itself is
# priced at the planning level (item 6), SUBSTANTIAL, whatever today's levels.
p gov-plan-pinned 0 --db gov.db plan --budget 5000000 --format json
p gov-rank-pinned 0 --db gov.db assess --method quant --samples 0 --format json
cp demo.db gov2.db && cp demo.db.key gov2.db.key
p gov2-clear-vr 0 --db gov2.db threat-level clear --threat vehicle_ramming --rationale "back to the national level"
p gov2-critical 0 --db gov2.db threat-level set CRITICAL --rationale "attack expected imminently"
p gov2-plan 0 --db gov2.db plan --budget 5000000 --format json
p gov2-rank 0 --db gov2.db assess --method quant --samples 0 --format json
# issue 12: the total holds the downstream consequence too; the sites' own parts keep EUR 36.02 M
if /usr/bin/python3 -c 'import json,sys; ja=json.load(open(sys.argv[1])); jb=json.load(open(sys.argv[2])); a=ja["total"]["score"]; b=jb["total"]["score"]; own=sum(x["own_eur"] for x in jb["sites"]); down=sum(x["downstream_eur"] for x in jb["sites"]); assert abs(a-b) < 1e-6 * b and round(own/1e4)/100 == 36.02 and down > 0 and abs(own + down - b) < 1e-6 * b, (a, b, own, down)' gov-rank-pinned.out gov2-rank.out; then ok; else bad "pinned PBIED, the ranking: $(head -c 300 gov-rank-pinned.out)"; fi
if /usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert a["surge"] and a["surge"] == b["surge"], (a["surge_summary"], b["surge_summary"])
assert a["priced_at"] == b["priced_at"] == "priced at planning level SUBSTANTIAL (today: CRITICAL)", (a["priced_at"], b["priced_at"])
assert a["totals"] == b["totals"], (a["totals"], b["totals"])' gov-plan-pinned.out gov2-plan.out; then ok; else bad "pinned PBIED, the plan: $(head -c 300 gov-plan-pinned.out)"; fi
p gov-register 0 --db gov.db register list
if [ "$(sed -n 2p gov-register.out | awk '{print $1, $2, $3, $6, $7}')" = "VM-060 vehicle_ramming high accept reopened" ]; then ok; else bad "re-opened not first: $(sed -n 2p gov-register.out)"; fi
out_has "1 re-opened (accepted, and the band has risen since: approval needed again), 0 overdue for review"
p gov-register-json 0 --db gov.db register list --format json
if /usr/bin/python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["items"][0]; assert (e["site_id"], e["reopened"], e["overdue"], e["decided_band"], e["needs_approval"], e["approved"]) == ("VM-060", True, False, "medium", True, False), e' gov-register-json.out; then ok; else bad "register json: $(head -c 400 gov-register-json.out)"; fi
# Marked below, with its reason, the pinned level applies again: today's national expected loss
# falls to EUR 31.06 M a year and the surge asks for less; the plan, priced at the planning
# level, keeps its measures.
p gov-below 0 --db gov.db threat-level set SEVERE --threat pbied --below --rationale "intelligence: no PBIED capability"
p gov-plan-below 0 --db gov.db plan --budget 5000000 --format json
p gov-rank-below 0 --db gov.db assess --method quant --samples 0 --format json
if /usr/bin/python3 -c 'import json,sys; ja=json.load(open(sys.argv[1])); a=ja["total"]["score"]; b=json.load(open(sys.argv[2]))["total"]["score"]; own=sum(x["own_eur"] for x in ja["sites"]); assert a < b and round(own/1e4)/100 == 31.06, (a, b, own)' gov-rank-below.out gov2-rank.out; then ok; else bad "below did not lower today's risk"; fi
if /usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert a["surge_summary"]["weekly_cost_eur"] < b["surge_summary"]["weekly_cost_eur"], (a["surge_summary"], b["surge_summary"])
assert a["priced_at"] == "priced at planning level SUBSTANTIAL (today: CRITICAL (pbied=SEVERE below))", a["priced_at"]
pick = lambda p: sorted((s["site_id"], m["measure_id"]) for s in p["sites"] for m in s["measures"])
assert pick(a) == pick(b) and a["totals"] == b["totals"], (a["totals"], b["totals"])' gov-plan-below.out gov2-plan.out; then ok; else bad "below: the plan's surge: $(head -c 300 gov-plan-below.out)"; fi
# Cleared: the per-threat level is gone.
p gov-clear 0 --db gov.db threat-level clear --threat pbied --rationale "assessment withdrawn"
out_line "threat level for pbied cleared (was SEVERE)"
p gov-show 0 --db gov.db threat-level
out_has "  national                     CRITICAL     until -  by system administrator at 2026-12-01T00:00Z"
out_has "    rationale: attack expected imminently (replaced SUBSTANTIAL)"
out_lacks "threat pbied"
p gov-history 0 --db gov.db threat-level history
out_has "  threat pbied                 cleared"
# Sector and region levels, and an expiry read at the clock: it reverts.
p gov-region 0 --db gov.db threat-level set CRITICAL --region "Old Town" --rationale "local plot" --until 2026-12-08
out_line "threat level for region Old Town: CRITICAL (was not set; until 2026-12-08T00:00Z)"
p gov-sector 0 --db gov.db threat-level set SEVERE --sector energy --rationale "sector warning" --until 2026-12-08T12:00Z
p gov-show-2 0 --db gov.db threat-level
out_has "  region Old Town              CRITICAL     until 2026-12-08T00:00Z"
out_has "  sector energy                SEVERE       until 2026-12-08T12:00Z"
PROTECT_NOW=2026-12-09 "$PROTECT" --db gov.db threat-level >gov-later.out 2>gov-later.err
current=gov-later
if [ $? -eq 0 ]; then ok; else bad "threat-level at a later clock failed"; fi
out_lacks "region Old Town"
out_lacks "sector energy"
# Every change is audited with its rationale.
p gov-audit 0 --db gov.db audit list --limit 200 --format csv
if grep -q 'threat_level.clear.*pbied.*cleared (was SEVERE): assessment withdrawn' gov-audit.out &&
	grep -q 'threat_level.set.*region:Old Town.*CRITICAL (was none; until 2026-12-08T00:00:00Z): local plot' gov-audit.out; then ok; else bad "audit lacks the threat-level changes: $(grep threat_level gov-audit.out | head -5)"; fi
# issue 11 review L6: the raise to CRITICAL names the decision it re-opened; its history says so.
if grep -q 'threat_level.set,threat_levels,national,CRITICAL (was SUBSTANTIAL): attack expected imminently; re-opened 1 register decision (each decision' gov-audit.out && ! grep -q 'national,CRITICAL.*VM-060/vehicle_ramming' gov-audit.out; then ok; else bad "the raise's audit entry does not count the re-opened decision, or names its site: $(grep 'national,CRITICAL' gov-audit.out)"; fi
p gov-reopen-history 0 --db gov.db register history VM-060 vehicle_ramming
out_has "re-opened by the threat level change national to CRITICAL (band medium -> high)"
# issue 11 review M4: canonical real dates and times only (were rolled over or taken without Z).
for u in 2027-02-30 2027-01-01T00:00:60Z 2027-1-31 2027-01-31T00:00 2027-01-31T25:00Z; do
	p gov-until-bad 64 --db gov.db threat-level set SEVERE --threat arson --rationale test --until "$u"
	err_has "--until: '$u' is not a date or time"
done
# issue 11 review L1: a rationale shows text; no bidi controls.
p gov-rationale-blank 65 --db gov.db threat-level set SEVERE --threat arson --rationale "   "
err_has "rationale holds no visible text"
p gov-rationale-invisible 65 --db gov.db threat-level set SEVERE --threat arson --rationale "$(printf '\342\200\256\342\200\213')"
err_has "rationale holds a bidirectional control character"
# issue 11 review L2: horizons: an expiry within about two years, a review date within five.
p gov-until-far 65 --db gov.db threat-level set SEVERE --threat arson --rationale test --until 2030-01-01
err_has "the expiry is more than 2 years ahead"
p gov-review-far 65 --db gov.db register set VM-060 vehicle_ramming --treatment reduce --review-date 9999-12-31
err_has "review date 9999-12-31 is more than 5 years ahead"
# Overdue: a review date that has passed puts the decision first.
PROTECT_NOW=2027-03-02 "$PROTECT" --db gov.db register list --format json >gov-overdue.out 2>gov-overdue.err
current=gov-overdue
if /usr/bin/python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["items"][0]; assert e["site_id"] == "VM-060" and e["overdue"], e' gov-overdue.out; then ok; else bad "overdue not first: $(head -c 300 gov-overdue.out)"; fi

# --- matrix ----------------------------------------------------------------------
p matrix-fema 0 --db demo.db matrix --method fema
golden matrix-fema.txt
out_has "345 site-threat risks"
p matrix-quant 0 --db demo.db matrix --method quant --format csv
if [ "$(awk -F, 'NR > 1 { s += $3 } END { print s }' matrix-quant.out)" = 345 ]; then ok; else bad "quant matrix counts do not add up to 345"; fi
golden matrix-quant.csv
p matrix-carver 64 --db demo.db matrix --method carver
err_has "never goes on the risk matrix"
p matrix-json 0 --db demo.db matrix --format json
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["total"]==345 and len(d["cells"])==25' matrix-json.out; then ok; else bad "matrix json"; fi

# --- gen: a synthetic national dataset that imports and assesses ---------------------
p gen 0 gen --sites 300 --threats 5 --seed 3 --out nation
out_has "nation: 300 sites, 5 threat scenarios each"
if [ "$(wc -l < nation/sites.csv)" -eq 301 ] && [ "$(wc -l < nation/quant.csv)" -eq 1501 ]; then ok; else bad "gen row counts"; fi
p gen-again 0 gen --sites 300 --threats 5 --seed 3 --out nation2
same_files nation/quant.csv nation2/quant.csv
# issue 12: gen writes a supply network too (valid rows, 1-5 supplies per site, the same per seed)
same_files nation/dependencies.csv nation2/dependencies.csv
if /usr/bin/python3 - nation <<'PY'; then ok; else bad "gen dependencies.csv"; fi
import collections, csv, sys
d = sys.argv[1]
ids = {r["id"] for r in csv.DictReader(open(d + "/sites.csv"))}
rows = list(csv.DictReader(open(d + "/dependencies.csv")))
assert list(rows[0].keys()) == ["provider_id", "consumer_id", "type", "autonomy_hours", "service_loss", "group"]
pairs = {(r["provider_id"], r["consumer_id"]) for r in rows}
assert len(pairs) == len(rows)
for r in rows:
    assert r["provider_id"] in ids and r["consumer_id"] in ids and r["provider_id"] != r["consumer_id"]
    assert r["type"] in ("physical", "cyber", "geographic", "logical")
    assert float(r["autonomy_hours"]) >= 0 and 0 <= float(r["service_loss"]) <= 1
per = collections.Counter(r["consumer_id"] for r in rows)
assert set(per) == ids and max(per.values()) <= 5
assert len({r["provider_id"] for r in rows}) < len(ids) / 2
PY
p gen-other-seed 0 gen --sites 300 --threats 5 --seed 4 --out nation3
if cmp -s nation/quant.csv nation3/quant.csv; then bad "another seed gave the same data"; else ok; fi
p gen-init 0 --db nation.db init
p gen-import-sites 0 --db nation.db import sites nation/sites.csv
for m in fema carver quant; do p "gen-import-$m" 0 --db nation.db import assessments "nation/$m.csv"; done
p gen-assess 0 --db nation.db assess --method quant --samples 100 --format csv
if [ "$(wc -l < gen-assess.out)" -eq 302 ]; then ok; else bad "gen assess rows"; fi # with the marking line
p gen-no-out 64 gen --sites 10 --seed 1
p gen-too-many-threats 64 gen --sites 10 --seed 1 --threats 99 --out x
p gen-bad-sites 64 gen --sites 0 --seed 1 --out x
