# cases_dependencies.sh - issue 12: `import dependencies` and `export dependencies`:
# every bad-input case with its exact message and exit 65 (nothing imported),
# the byte-identical CSV round trip, JSON, and the access rule (an operator
# writes only its own consumers: exit 77). Sourced by tests/cli/run.

p dp-demo 0 --db dp.db demo
H="provider_id,consumer_id,type,autonomy_hours,service_loss,group"

# the demo has dependencies; export all of them and read them back byte for byte
p dp-export 0 --db dp.db export dependencies --max-tlp RED
if [ "$(grep -c '^VM-' dp-export.out)" -gt 0 ]; then ok; else bad "the demo has no dependencies"; fi
if [ "$(head -1 dp-export.out | cut -c1-6)" = "# TLP:" ]; then ok; else bad "no TLP marking line"; fi
out_line "$H"
err_has "protect: exported "
cp dp-export.out dp-round.csv
p dp-reimport 0 --db dp.db import dependencies dp-round.csv
out_has "dp-round.csv: $(grep -c '^VM-' dp-round.csv) dependencies imported (0 created, "
p dp-export2 0 --db dp.db export dependencies --max-tlp RED
same_files dp-export.out dp-export2.out

# a new file: created, then exported exactly as written (numbers in their shortest form)
printf '%s\n%s\n%s\n' "$H" "VM-024,VM-048,logical,0.25,0.1," "VM-014,VM-048,cyber,3.5,0.3333333333333333,net" >dp-new.csv
printf '%s\n' "VM-052,VM-048,cyber,3.5,0.3333333333333333,net" >>dp-new.csv
p dp-new 0 --db dp.db import dependencies dp-new.csv
out_line "dp-new.csv: 3 dependencies imported (3 created, 0 updated)"
p dp-export3 0 --db dp.db export dependencies --max-tlp RED
out_line "VM-024,VM-048,logical,0.25,0.1,"
out_line "VM-014,VM-048,cyber,3.5,0.3333333333333333,net"
p dp-json 0 --db dp.db export dependencies --format json --max-tlp RED
pycheck "dependencies JSON" dp-json.out '
d = {(x["provider_id"], x["consumer_id"]): x for x in j["dependencies"]}
x = d[("VM-014", "VM-048")]
assert x["type"] == "cyber" and x["autonomy_hours"] == 3.5 and x["service_loss"] == 0.3333333333333333, x
assert x["group"] == "net" and x["provider_name"] == "Kessling Community Hospital", x
assert d[("VM-024", "VM-048")]["group"] is None
assert j["withheld"] == 0 and j["tlp"].startswith("TLP:"), j["tlp"]'
p dp-bad-format 64 --db dp.db export dependencies --format geojson

# bad input: FILE:LINE: field: message, exit 65, nothing imported
reject_deps() { # reject_deps NAME CONTENT MESSAGE
	printf '%s' "$2" >"$1.csv"
	p "dp-$1" 65 --db dp.db import dependencies "$1.csv"
	err_line "protect: $3"
	err_line "protect: $1.csv: nothing imported"
	"$PROTECT" --db dp.db export dependencies --max-tlp RED >"dp-after-$1.out" 2>/dev/null
	if cmp -s dp-export3.out "dp-after-$1.out"; then ok; else bad "$1: the registry changed"; fi
}
reject_deps self "$H
VM-024,VM-013,physical,1,1,
VM-013,VM-013,physical,8,1,
" 'self.csv:3: consumer_id: "VM-013" is also the provider: a site cannot depend on itself'
reject_deps unknown "$H
VM-002,VM-999,physical,8,1,
" 'unknown.csv:2: consumer_id: unknown site id "VM-999" (import the sites first)'
reject_deps duplicate "$H
VM-002,VM-014,physical,8,1,
VM-003,VM-014,physical,8,1,
VM-002,VM-014,cyber,2,0.5,
" 'duplicate.csv:4: consumer_id: duplicate dependency of VM-014 on VM-002 (first on line 2)'
reject_deps negative "$H
VM-002,VM-014,physical,-2,1,
" 'negative.csv:2: autonomy_hours: -2 is negative; hours are 0 or more'
reject_deps infinite "$H
VM-002,VM-014,physical,inf,1,
" 'infinite.csv:2: autonomy_hours: "inf" is not a number'
reject_deps loss "$H
VM-002,VM-014,physical,8,1.2,
" 'loss.csv:2: service_loss: 1.2 is outside 0-1 (the share of service lost)'
reject_deps type "$H
VM-002,VM-014,electric,8,1,
" 'type.csv:2: type: unknown type "electric" (physical, cyber, geographic or logical)'
reject_deps group "$H
VM-001,VM-014,physical,8,1,feed
VM-003,VM-014,physical,6,1,feed
" 'group.csv:3: autonomy_hours: 6 here but 8 on line 2: the redundant providers of group feed of VM-014 must carry the same autonomy_hours'
reject_deps missing "provider_id,consumer_id,type,autonomy_hours
VM-002,VM-014,physical,8
" 'missing.csv:1: service_loss: required column missing'
reject_deps extra "$H
VM-002,VM-014,physical,8,1,,x
" 'extra.csv:2: the row has 7 fields; the header has 6'

# access: harbour (Harbourlight Group's operator) writes its own consumers only
printf '%s\n%s\n' "$H" "VM-019,VM-027,physical,12,0.5," >dp-own.csv
p dp-own 0 --db dp.db import dependencies dp-own.csv --as harbour
out_line "dp-own.csv: 1 dependencies imported (1 created, 0 updated)"
printf '%s\n%s\n%s\n' "$H" "VM-019,VM-028,physical,12,0.5," "VM-027,VM-019,logical,1,0.1," >dp-theirs.csv
p dp-theirs 77 --db dp.db import dependencies dp-theirs.csv --as harbour
err_line "protect: dp-theirs.csv:3: consumer_id: your role or organisation may not change the dependencies of site VM-019"
err_line "protect: dp-theirs.csv: nothing imported"
p dp-viewer 77 --db dp.db import dependencies dp-own.csv --as relief
err_line "protect: dp-own.csv: your role (viewer) may not import dependencies"
# a site harbour may not see reads as an unknown one
printf '%s\n%s\n' "$H" "VM-002,VM-027,physical,12,0.5," >dp-hidden.csv
p dp-hidden 65 --db dp.db import dependencies dp-hidden.csv --as harbour
err_line 'protect: dp-hidden.csv:2: provider_id: unknown site id "VM-002" (import the sites first)'
# harbour's export withholds what it may not see
p dp-export-harbour 0 --db dp.db export dependencies --format json --max-tlp RED --as harbour
pycheck "harbour's export" dp-export-harbour.out '
assert "withheld" not in j, j["withheld"]
assert all(x["provider_id"] != "VM-002" for x in j["dependencies"])'
# counts of hidden records only where docs/access.md allows them (review of issue 12, M2)
err_line "protect: exported $(grep -c '"provider_id"' dp-export-harbour.out) dependencies up to TLP:RED"
p dp-export-coord 0 --db dp.db export dependencies --format json --max-tlp RED --as coordinator
pycheck "the coordinator's export" dp-export-coord.out '
assert j["withheld"] > 0, j'
err_has "; withheld "

# a group's hours and loss are its consumer's (review of issue 12, attack finding 1): the
# coordinator (Ministry) writes the dependencies of any owner's VM-012, sees VM-065 but not
# VM-002, both in group power. The ministry's analyst no longer writes VM-012: since issue 16
# the hospital is Vellmark Hospitals Trust's.
printf '%s\n%s\n' "$H" "VM-065,VM-012,physical,48,0.9,power" >dp-group.csv
p dp-group-analyst 77 --db dp.db import dependencies dp-group.csv --as analyst
err_line "protect: dp-group.csv:2: consumer_id: your role or organisation may not change the dependencies of site VM-012"
p dp-group 0 --db dp.db import dependencies dp-group.csv --as coordinator
out_line "dp-group.csv: 1 dependencies imported (0 created, 1 updated)"
p dp-group-all 0 --db dp.db export dependencies --max-tlp RED
out_line "VM-002,VM-012,physical,48,0.9,power"
out_line "VM-065,VM-012,physical,48,0.9,power"
# a provider joining the group with other values sets the whole group; no stored value is told
printf '%s\n%s\n' "$H" "VM-020,VM-012,cyber,99,0.3,power" >dp-probe.csv
p dp-probe 0 --db dp.db import dependencies dp-probe.csv --as coordinator
out_line "dp-probe.csv: 1 dependencies imported (0 created, 1 updated); 1 more of their groups set to the same hours and loss"
p dp-probe-all 0 --db dp.db export dependencies --max-tlp RED
out_line "VM-002,VM-012,physical,99,0.3,power"
out_line "VM-065,VM-012,physical,99,0.3,power"
out_line "VM-020,VM-012,cyber,99,0.3,power"
# the file's own rows of one group must still agree
printf '%s\n%s\n%s\n' "$H" "VM-065,VM-012,physical,72,1,power" "VM-020,VM-012,cyber,72,0.5,power" >dp-group2.csv
p dp-group2 65 --db dp.db import dependencies dp-group2.csv --as coordinator
err_line 'protect: dp-group2.csv:3: service_loss: 0.5 here but 1 on line 2: the redundant providers of group power of VM-012 must carry the same service_loss'
p dp-group2-after 0 --db dp.db export dependencies --max-tlp RED
same_files dp-probe-all.out dp-group2-after.out

# the national coordinator imports dependencies for any owner, as it imports sites (M4)
printf '%s\n%s\n%s\n' "$H" "VM-065,VM-014,physical,12,1,labpower" "VM-016,VM-015,physical,24,0.5," >dp-coord.csv
p dp-coord 0 --db dp.db import dependencies dp-coord.csv --as coordinator
out_line "dp-coord.csv: 2 dependencies imported (1 created, 1 updated)"

# dependencies delete: the consumer's writers remove a wrong dependency, audited
p dp-del-viewer 77 --db dp.db dependencies delete VM-065 VM-014 --as viewer
err_line "protect: consumer_id: your role or organisation may not change the dependencies of site VM-014"
p dp-del-hidden 66 --db dp.db dependencies delete VM-002 VM-012 --as harbour
err_line "protect: no dependency of VM-012 on VM-002"
p dp-del-missing 66 --db dp.db dependencies delete VM-024 VM-012 --as harbour
err_line "protect: no dependency of VM-012 on VM-024"
p dp-del 0 --db dp.db dependencies delete VM-065 VM-014 --as coordinator
out_line "deleted the dependency of VM-014 on VM-065"
p dp-del-again 66 --db dp.db dependencies delete VM-065 VM-014 --as coordinator
err_line "protect: no dependency of VM-014 on VM-065"
p dp-del-after 0 --db dp.db export dependencies --max-tlp RED
if grep -q '^VM-065,VM-014,' dp-del-after.out; then bad "the deleted dependency is still there"; else ok; fi
p dp-del-audit 0 --db dp.db audit list --limit 3
out_has "dependencies.delete"
p dp-del-usage 64 --db dp.db dependencies delete VM-065
