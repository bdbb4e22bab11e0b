# cases_alerts.sh - issue 13: public alerts on the command line: the
# newcomer's walk-through (demo, new as pio, approve as coordinator, the
# list's in-feed column, cancel), Exercise messages, --now, JSON, bad input
# (unknown template/site/status/lang, radius, polygon) with its exit
# statuses, and every generated message checked by xmllint against
# cap12.xsd when the fixtures are there. Sourced by tests/cli/run.

al_fix=${PROTECT_CAP_FIXTURES:-$top/../shared/fixtures/cap}
case $al_fix in /*) ;; *) al_fix=$top/$al_fix ;; esac
al_xsd=""
if [ -f "$al_fix/cap12.xsd" ] && command -v xmllint >/dev/null 2>&1; then
	al_xsd=$al_fix/cap12.xsd
else
	echo "SKIP cases_alerts: no $al_fix/cap12.xsd (set PROTECT_CAP_FIXTURES) or no xmllint:" \
		"generated alerts are not checked against the CAP 1.2 schema"
fi
# al_schema FILE: the official schema accepts FILE (when the fixtures are there)
al_schema() {
	[ -n "$al_xsd" ] || return 0
	if xmllint --noout --nonet --schema "$al_xsd" "$1" 2>"$1.xmllint"; then ok; else
		bad "xmllint rejects $1: $(head -c 600 "$1.xmllint")"
	fi
}
# al_id FILE: the identifier of the CAP message in FILE
al_id() { sed -n 's|^  <identifier>\(.*\)</identifier>$|\1|p' "$1" | head -1; }

p al-demo 0 --db al.db demo

# --- the newcomer's walk-through --------------------------------------------------------
p al-new 0 --db al.db alert new --template armed-attack --site VM-003 --as pio
al_a=$(al_id al-new.out)
err_line "alert $al_a: awaiting approval by a second person (protect alert approve $al_a --as USER)"
out_has '<status>Actual</status>'
out_has '<language>en</language>'
out_has '<language>mk</language>'
out_has '<language>sq</language>'
out_has '<circle>'
al_schema al-new.out
case $al_a in PT-20261201T000000Z-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ok ;;
*) bad "identifier '$al_a' is not PT-YYYYMMDDThhmmssZ-xxxxxxxx at PROTECT_NOW" ;; esac

# pending: not in the feed; the composer may not approve
p al-list-pending 0 --db al.db alert list
if grep -qE "^$al_a +Alert +Actual +pending +VM-003 .* pio +- +no$" al-list-pending.out; then ok; else
	bad "list: pending row: $(cat al-list-pending.out)"; fi
p al-self 77 --db al.db alert approve "$al_a" --as pio
err_line "protect: same_person: the composer may not approve its own message: a second person must"
p al-op 66 --db al.db alert approve "$al_a" --as operator
p al-approve 0 --db al.db alert approve "$al_a" --as coordinator
err_line "alert $al_a: issued (composed by pio, approved by coordinator)"
same_files al-new.out al-approve.out
p al-list 0 --db al.db alert list
if grep -qE "^$al_a +Alert +Actual +issued +VM-003 .* pio +coordinator +yes$" al-list.out; then ok; else
	bad "list: issued row: $(cat al-list.out)"; fi
p al-list-json 0 --db al.db alert list --format json
pycheck "alert list JSON" al-list-json.out '
assert list(j) == ["alerts", "feed_url"] and j["feed_url"] == "/alerts.atom"
a = j["alerts"][0]
assert list(a) == ["identifier", "chain", "references", "msg_type", "status", "state", "site_id",
    "site_name", "template", "languages", "radius_km", "polygon", "generic_area", "sent", "expires",
    "composer", "approver", "composed_at", "decided_at", "reason", "latest", "in_feed", "sha256",
    "cb", "warnings"], list(a)
assert a["state"] == "issued" and a["in_feed"] and a["approver"] == "coordinator", a
assert a["languages"] == ["en", "mk", "sq"] and a["references"] is None
assert a["sent"] == "2026-12-01T00:00:00-00:00", a["sent"]'
# show: the exact bytes, readable by any user once issued
p al-show 0 --db al.db alert show "$al_a" --as viewer
same_files al-new.out al-show.out
p al-show-json 0 --db al.db alert show "$al_a" --format json
pycheck "alert show JSON" al-show-json.out '
import hashlib
assert j["xml"] == open("al-new.out").read()
assert j["sha256"] == hashlib.sha256(j["xml"].encode()).hexdigest()
assert [c["language"] for c in j["cb"]] == ["en", "mk", "sq"] and j["cb"][1]["ucs2"]'

# cancel: a second person approves it too; the Cancel takes the alert's place in the feed
p al-cancel 0 --now 2026-12-01T00:20Z --db al.db alert cancel "$al_a" --note "false alarm" --as pio
al_c=$(al_id al-cancel.out)
out_has '<msgType>Cancel</msgType>'
out_has "<references>crisis-centre@vellmark.example,$al_a,2026-12-01T00:00:00-00:00</references>"
out_has '<note>false alarm</note>'
al_schema al-cancel.out
p al-cancel-approve 0 --now 2026-12-01T00:25Z --db al.db alert approve "$al_c" --as coordinator
p al-list-after 0 --now 2026-12-01T00:30Z --db al.db alert list
if grep -qE "^$al_c +Cancel +Actual +issued .* yes$" al-list-after.out &&
	grep -qE "^$al_a +Alert +Actual +issued .* no$" al-list-after.out; then ok; else
	bad "list after the cancel: $(cat al-list-after.out)"; fi
# the cancelled alert would have expired at 02:00: the Cancel leaves the feed then
p al-list-late 0 --now 2026-12-01T02:00Z --db al.db alert list
if grep -qE "^$al_c +Cancel .* no$" al-list-late.out; then ok; else
	bad "the Cancel should leave the feed at the alert's expiry: $(cat al-list-late.out)"; fi
# only the latest of a chain
p al-update-old 65 --db al.db alert update "$al_a" --as pio
err_has "only the latest issued message of a chain can be updated"

# --- Exercise: issued at once, EXERCISE before every headline, never in the feed ---------
p al-exercise 0 --db al.db alert new --template explosion --site VM-003 --status Exercise --as pio
al_e=$(al_id al-exercise.out)
err_line "alert $al_e: issued (Exercise: never in the public feed)"
if [ "$(grep -c '<headline>EXERCISE' al-exercise.out)" -eq 3 ]; then ok; else
	bad "every headline starts with EXERCISE: $(grep '<headline>' al-exercise.out)"; fi
out_has '<note>EXERCISE - not a real alert</note>'
al_schema al-exercise.out
p al-exercise-list 0 --db al.db alert list
if grep -qE "^$al_e +Alert +Exercise +issued .* - +no$" al-exercise-list.out; then ok; else
	bad "exercise row: $(cat al-exercise-list.out)"; fi

# --- update and all clear, polygon, generic area, a preview --------------------------------
p al-b 0 --db al.db alert new --template chemical-release --site VM-003 --radius-km 2.5 --lang en,sq --as coordinator
al_b=$(al_id al-b.out)
p al-b-ok 0 --db al.db alert approve "$al_b" --as pio
p al-b-update 0 --now 2026-12-01T00:40Z --db al.db alert update "$al_b" --template all-clear --as pio
out_has '<responseType>AllClear</responseType>'
out_has '<msgType>Update</msgType>'
if [ "$(grep -c '<language>' al-b-update.out)" -eq 2 ]; then ok; else bad "update keeps en,sq"; fi
out_has '<circle>47.03479,-11.87118 2.5</circle>'
al_schema al-b-update.out
p al-poly 0 --db al.db alert new --template vehicle-attack --site VM-003 --preview \
	--polygon "47.03,-11.88 47.04,-11.88 47.04,-11.86 47.03,-11.88" --as pio
out_has '<polygon>47.03,-11.88 47.04,-11.88 47.04,-11.86 47.03,-11.88</polygon>'
err_line "alert $(al_id al-poly.out): a preview; nothing was stored"
al_schema al-poly.out
p al-amber 0 --db al.db alert new --template armed-attack-hospital --site VM-001 --preview --as coordinator
err_has "warning: reveals_site: site VM-001 is AMBER: a public alert reveals its name and place; --generic-area"
out_has "Orrinford Combined-Cycle Power Station"
al_schema al-amber.out
p al-generic 0 --db al.db alert new --template armed-attack-hospital --site VM-001 --preview --generic-area --as coordinator
if grep -q "Orrinford Combined-Cycle" al-generic.out || grep -q reveals_site al-generic.err; then
	bad "--generic-area still names the site"; else ok; fi
al_schema al-generic.out

# --- bad input ----------------------------------------------------------------------------
p al-bad-template 65 --db al.db alert new --template nope --site VM-003 --as pio
err_has "protect: template: unknown template 'nope' (all-clear, armed-attack, armed-attack-hospital,"
p al-bad-site 66 --db al.db alert new --template armed-attack --site VM-999 --as pio
err_line "protect: site: no site 'VM-999'"
p al-hidden-site 66 --db al.db alert new --template armed-attack --site VM-004 --as pio
err_line "protect: site: no site 'VM-004'"
p al-bad-status 65 --db al.db alert new --template armed-attack --site VM-003 --status Draft --as pio
err_line "protect: status: unknown status 'Draft' (Actual, Exercise or Test)"
p al-bad-lang 65 --db al.db alert new --template armed-attack --site VM-003 --lang en,de --as pio
err_line "protect: lang: unknown language 'de' (template armed-attack has en, mk, sq)"
p al-bad-radius 65 --db al.db alert new --template armed-attack --site VM-003 --radius-km 500 --as pio
err_line "protect: radius_km: must be a number from 0.05 to 100 (km)"
p al-nan-radius 64 --db al.db alert new --template armed-attack --site VM-003 --radius-km wide --as pio
p al-bad-polygon 65 --db al.db alert new --template armed-attack --site VM-003 --polygon "1,2 3,4" --as pio
err_has "protect: polygon: not a CAP polygon"
p al-operator 77 --db al.db alert new --template armed-attack --site VM-003 --as operator
p al-no-site 65 --db al.db alert new --template armed-attack --as pio
err_line "protect: site: a site is needed (--site ID)"
p al-all-clear-new 65 --db al.db alert new --template all-clear --site VM-003 --as pio
p al-unknown-id 66 --db al.db alert show PT-20261201T000000Z-00000000
p al-usage 64 --db al.db alert approve
p al-bad-now 64 --now yesterday --db al.db alert list

# --- approval after alert.approval_min minutes -------------------------------------------
p al-late 0 --now 2026-12-01T01:00Z --db al.db alert new --template explosion --site VM-003 --as pio
al_l=$(al_id al-late.out)
p al-late-approve 65 --now 2026-12-01T01:31Z --db al.db alert approve "$al_l" --as coordinator
err_has "waited more than alert.approval_min (30 minutes)"
p al-reject 0 --now 2026-12-01T01:32Z --db al.db alert reject "$al_l" --reason "too late" --as coordinator
out_line "alert $al_l: rejected"

# --- issue 13 review: two named users; no decision before the composition ------------------------
# the command line without --as (the system administrator) composes no Actual alert and approves
# none (--as is not a log-in); an Exercise it may
p al-sys-actual 77 --db al.db alert new --template explosion --site VM-003
err_line "protect: system: an Actual alert needs two named users: compose it as one (--as USER), not as the system administrator"
p al-sys-exercise 0 --db al.db alert new --template explosion --site VM-003 --status Exercise
out_has '<status>Exercise</status>'
p al-sys-pending 0 --now 2026-12-01T03:00Z --db al.db alert new --template explosion --site VM-003 --as pio
al_s=$(al_id al-sys-pending.out)
p al-sys-approve 77 --now 2026-12-01T03:01Z --db al.db alert approve "$al_s"
err_has "system: an Actual alert needs two named users: approve as one (--as USER)"
# --now going back: a decision before the composition is refused
p al-back 65 --now 2026-12-01T02:00Z --db al.db alert approve "$al_s" --as coordinator
err_has "the clock is before the message's composition"
p al-back-reject 0 --now 2026-12-01T03:02Z --db al.db alert reject "$al_s" --reason "review" --as coordinator

# --- the alert settings: two of them text ---------------------------------------------------
p al-config 0 --db al.db config show
if grep -qE '^alert\.sender +crisis-centre@vellmark\.example +CAP sender' al-config.out &&
	grep -qE '^alert\.public_url +http://127\.0\.0\.1:8080 ' al-config.out &&
	grep -qE '^alert\.cb_pages +6 ' al-config.out &&
	grep -qE '^alert\.web_url +none ' al-config.out; then ok; else
	bad "config show: alert settings: $(grep '^alert' al-config.out)"; fi
p al-url-slash 65 --db al.db config set alert.public_url https://alerts.example.org/
err_line "protect: alert.public_url: must not end with '/'"
p al-sender-space 65 --db al.db config set alert.sender "crisis centre"
err_has "alert.sender: a CAP sender has no spaces"
p al-url-set 0 --db al.db config set alert.public_url https://alerts.example.org
p al-sender-set 0 --db al.db config set alert.sender cmc@gov.example
p al-after-settings 0 --db al.db alert new --template explosion --site VM-003 --preview --as pio
out_has '<sender>cmc@gov.example</sender>'
out_lacks '<web>' # issue 13 review: alert.public_url (this server) never becomes <web>
p al-web-set 0 --db al.db config set alert.web_url https://crisis.example.org/alerts
p al-web-bad 65 --db al.db config set alert.web_url crisis.example.org
err_has "alert.web_url: must be an http:// or https:// URL"
p al-after-web 0 --db al.db alert new --template explosion --site VM-003 --preview --as pio
out_has '<web>https://crisis.example.org/alerts</web>'
al_schema al-after-web.out
p al-web-none 0 --db al.db config set alert.web_url none
p al-pages 0 --db al.db config set alert.cb_pages 1
p al-cb 0 --db al.db alert new --template armed-attack --site VM-003 --preview --as pio
err_has "warning: cell_broadcast: en: the headline and instruction need 3 cell-broadcast pages (alert.cb_pages allows 1)"

# --- issue 13 review (fb): text safety, polygons, the generic circle, marking, chains -------
p al-rv-pages 0 --db al.db config set alert.cb_pages 6
p al-rv-fffe 65 --db al.db alert new --template explosion --site VM-003 --note $'false alarm \xef\xbf\xbe' --preview --as pio
err_has "note: holds U+FFFE (not an XML character), which a public alert may not carry"
p al-rv-rlo 65 --db al.db alert new --template explosion --site VM-003 --note $'a \xe2\x80\xae b' --preview --as pio
err_has "note: holds U+202E"
p al-rv-globe 65 --db al.db alert new --template explosion --site VM-003 --polygon "-90,-180 -90,180 90,180 90,-180 -90,-180" --preview --as pio
err_has "polygon: reaches"
p al-rv-bowtie 65 --db al.db alert new --template explosion --site VM-003 --polygon "47.02,-11.89 47.05,-11.85 47.02,-11.85 47.05,-11.89 47.02,-11.89" --preview --as pio
err_has "polygon: crosses itself"
p al-rv-flat 65 --db al.db alert new --template explosion --site VM-003 --polygon "47.03,-11.87 47.03,-11.87 47.03,-11.87 47.03,-11.87" --preview --as pio
err_has "polygon: has no area"
p al-rv-poly 0 --db al.db alert new --template armed-attack --site VM-003 --polygon "47.02,-11.89  47.05,-11.89 47.05,-11.85 47.02,-11.85 47.02,-11.89" --preview --as pio
out_has '<polygon>47.02,-11.89 47.05,-11.89 47.05,-11.85 47.02,-11.85 47.02,-11.89</polygon>'
out_lacks ' 0 km'
out_lacks '<circle>'
al_schema al-rv-poly.out
p al-rv-generic 0 --db al.db alert new --template explosion --site VM-001 --generic-area --preview --as coordinator
out_has '<circle>47.22,-12.14 1.9</circle>'
out_lacks '47.21326'
out_has 'a site in Brackwater'
al_schema al-rv-generic.out
p al-rv-exercise 0 --db al.db alert new --template armed-attack --site VM-003 --status Exercise --preview --as pio
out_has '<headline>EXERCISE: Armed attack at '
out_has '<headline>EXERCISE – ВЕЖБА: Вооружен напад во '
out_has '<description>EXERCISE – USHTRIM: '
out_has ' UTC+1 ('
al_schema al-rv-exercise.out
p al-rv-test 0 --db al.db alert new --template armed-attack --site VM-003 --status Test --preview --as pio
out_has '<headline>EXERCISE - TEST: '
out_has '<headline>EXERCISE – ТЕСТ: '
out_has '<headline>EXERCISE – PROVË: '
out_lacks '<headline>EXERCISE: '
# a message sent ahead of the clock is cancelled at once; an expired one is not
p al-rv-ahead 0 --now 2026-12-01T03:00Z --db al.db alert new --template vehicle-attack --site VM-003 --as pio
al_f=$(al_id al-rv-ahead.out)
p al-rv-ahead-ok 0 --now 2026-12-01T03:01Z --db al.db alert approve "$al_f" --as coordinator
p al-rv-ahead-cancel 0 --db al.db alert cancel "$al_f" --note "false alarm" --as pio
out_has '<sent>2026-12-01T03:00:00-00:00</sent>'
al_schema al-rv-ahead-cancel.out
p al-rv-ahead-pending 65 --db al.db alert update "$al_f" --as pio
err_has "awaits approval: approve or reject it first"
p al-rv-expired 65 --now 2026-12-01T06:00Z --db al.db alert update "$al_f" --as pio
err_has "$al_f expired at 2026-12-01T05:00:00-00:00: nothing to update"

# --- review fix: the approver names the SHA-256 it reviewed (--sha256) ---------------------
p al-rv-new 0 --now 2026-12-01T02:00Z --db al.db alert new --template explosion --site VM-003 --as pio
al_rv=$(al_id al-rv-new.out)
al_rv_sha=$(sha256sum al-rv-new.out | cut -d' ' -f1)
p al-rv-badhex 64 --now 2026-12-01T02:01Z --db al.db alert approve "$al_rv" --sha256 XYZ --as coordinator
err_has "--sha256 needs 64 lower-case hex digits"
p al-rv-other 65 --now 2026-12-01T02:01Z --db al.db alert approve "$al_rv" \
	--sha256 0000000000000000000000000000000000000000000000000000000000000000 --as coordinator
err_has "protect: sha256: the message changed since you reviewed it"
p al-rv-reject-sha 64 --db al.db alert reject "$al_rv" --sha256 "$al_rv_sha" --as coordinator
p al-rv-ok 0 --now 2026-12-01T02:02Z --db al.db alert approve "$al_rv" --sha256 "$al_rv_sha" --as coordinator
err_line "alert $al_rv: issued (composed by pio, approved by coordinator)"
same_files al-rv-new.out al-rv-ok.out
