# cases_filters.sh - issue 16 item 5: the filters --sector, --region, --kind, --owner, --band
# and --tlp on sites list, assess, matrix, register list and plan (repeatable or
# comma-separated; an unknown value is a usage error naming the option and the value), and
# the plan's scope (item 1). Sourced by tests/cli/run.

p fl-demo 0 --db fl.db demo

# An analyst's day: the places of worship of one region, ranked among themselves and marked.
p fl-assess-worship 0 --db fl.db assess --method fema --sector place_of_worship --region "Old Town" --format csv
golden filters_assess_worship.csv
p fl-sites-worship 0 --db fl.db sites list --kind soft_target --sector place_of_worship
golden filters_sites_worship.txt

# Repeated and comma-separated are the same filter (OR within an option, AND across).
p fl-rep-a 0 --db fl.db sites list --sector health --sector energy --format csv
p fl-rep-b 0 --db fl.db sites list --sector=health,energy --format csv
if cmp -s fl-rep-a.out fl-rep-b.out; then ok; else bad "--sector health --sector energy differs from --sector=health,energy"; fi
if [ "$(grep -v '^#' fl-rep-b.out | tail -n +2 | cut -d, -f4 | sort -u | tr '\n' ' ')" = "energy health " ]; then ok; else
	bad "--sector health,energy: sectors $(grep -v '^#' fl-rep-b.out | tail -n +2 | cut -d, -f4 | sort -u | tr '\n' ' ')"; fi
p fl-and 0 --db fl.db sites list --sector health,energy --region Kessling --format csv
out_lacks "Old Town"
out_has "VM-014"

# No percent-encoding on the command line: AMBER+STRICT as written.
p fl-tlp-strict 0 --db fl.db sites list --tlp AMBER+STRICT --format csv
if [ "$(head -n 1 fl-tlp-strict.out)" = "# TLP:AMBER+STRICT" ]; then ok; else bad "--tlp AMBER+STRICT: marked $(head -n 1 fl-tlp-strict.out)"; fi
out_lacks ",RED,"

# The matrix over the health sites; the register and plan of the trust's own sites.
p fl-matrix-health 0 --db fl.db matrix --method fema --sector health
golden filters_matrix_health.txt
p fl-register-mine 0 --db fl.db register list --owner mine --band high --format csv --as trust
golden filters_register_mine.csv
p fl-plan-mine 0 --db fl.db plan --budget 500000 --owner mine --format csv --as trust
golden filters_plan_mine.csv

# Unknown values: 64, naming the option and the value.
p fl-bad-region 64 --db fl.db assess --method fema --region Atlantis
err_line "protect assess: --region: unknown value \"Atlantis\": not the region of any site you may read"
p fl-bad-sector 64 --db fl.db sites list --sector volcanoes
err_line "protect sites: --sector: unknown value \"volcanoes\": not in the sector catalogue"
p fl-bad-tlp 64 --db fl.db register list --tlp "AMBER STRICT"
err_has "--tlp: unknown value \"AMBER STRICT\""
p fl-bad-band 64 --db fl.db matrix --band extreme
err_line "protect matrix: --band: unknown value \"extreme\" (low, medium, high, very high)"
p fl-mine-system 64 --db fl.db sites list --owner mine
err_line "protect sites: --owner: \"mine\" names the caller's organisation, and the caller has none (the system administrator)"
p fl-empty 64 --db fl.db plan --budget 1000 --kind soft_target,
err_line "protect plan: --kind: an empty value in 'soft_target,' (values are separated by commas)"
p fl-no-value 64 --db fl.db assess --method fema --owner
err_has "--owner needs a value"
# A region only a site the user may not read is in is unknown to it, as a made-up one: a RED
# site of Northgate in region Zzsecret, read by the system administrator, not by the analyst.
printf '%s\n%s\n' "id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp" \
	"VM-F16,Zz Control Room,critical_infrastructure,energy,Northgate Utilities,47.05,-12.05,Zzsecret,10,5,100,1000000,RED" >fl-hidden.csv
p fl-hidden-import 0 --db fl.db import sites fl-hidden.csv
p fl-hidden-system 0 --db fl.db sites list --region Zzsecret
out_has "VM-F16"
p fl-hidden-analyst 64 --db fl.db register list --region Zzsecret --as analyst
sed 's/Zzsecret/X/' fl-hidden-analyst.err >fl-hidden-analyst.norm
p fl-madeup-analyst 64 --db fl.db register list --region Zzfake --as analyst
sed 's/Zzfake/X/' fl-madeup-analyst.err >fl-madeup-analyst.norm
if cmp -s fl-hidden-analyst.norm fl-madeup-analyst.norm; then ok; else bad "a hidden region is told apart from a made-up one: $(cat fl-hidden-analyst.err)"; fi

# Review fix (issue 16 item 1): an organisation's operator saves a plan of its own organisation
# alone; a wider scope is refused (77) naming the filter.
p fl-plan-save-wide 77 --db fl.db plan --budget 300000 --sector health --save trust-wide --as trust
err_has "filter: an organisation's operators and admins save plans only for their own organisation"
p fl-plan-save-mine 0 --db fl.db plan --budget 300000 --owner mine --save trust-own --as trust
out_has "saved plan trust-own: "
