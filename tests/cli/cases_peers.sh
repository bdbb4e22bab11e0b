# cases_peers.sh - issue 16, item 7: `protect peers` and `protect what-if` on the demo (the
# tests' clock): the hospital against its kind (its sector has too few assessed sites), the
# what-if of bollards, an in-place measure changing nothing, bad input. Sourced by tests/cli/run.

p pe-demo 0 --db pe.db demo
p pe-peers 0 --db pe.db peers VM-012 --as trust
out_line "VM-012 against the assessed sites of its kind critical_infrastructure (fema)"
out_line "(its sector health has fewer than 5 other assessed sites)"
out_has "peers: "
p pe-peers-coord 0 --db pe.db peers VM-012 --as coordinator --format json
pycheck "peers JSON" pe-peers-coord.out '
assert j["peer_group"] == "kind" and j["comparable"] and j["peers"] >= 5, j
assert j["factors"][0]["id"] == "risk" and 0 <= j["factors"][0]["percentile"] <= 100, j["factors"][0]'
p pe-whatif 0 --db pe.db what-if VM-012 --measure hvm_bollards --method quant --as trust
out_line "note: the catalogue does not mean it for this kind and sector of site"
out_has "before  score "
p pe-whatif-in-place 0 --db pe.db what-if VM-012 --measure cctv --as trust
out_line "already in place: the assessment includes it; nothing changes"
p pe-hidden 66 --db pe.db what-if VM-001 --measure cctv --as trust
err_line "protect: no site VM-001"
p pe-nomeasure 65 --db pe.db what-if VM-012 --measure nope --as trust
err_line "protect: measure: no measure nope in the catalogue"
p pe-usage 64 --db pe.db what-if VM-012
p pe-carver 64 --db pe.db what-if VM-012 --measure cctv --method carver
