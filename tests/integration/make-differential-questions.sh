#!/usr/bin/env bash
# Writes the question list of differential_test to stdout, derived from the zones that
# hierarchy/make-hierarchy.sh writes, so that the list follows the hierarchy when it grows:
#
#   tests/integration/make-differential-questions.sh > tests/integration/differential_questions.txt
#
# differential_test fails while the checked-in list differs from this script's output.
#
# What it asks (every question goes to rebound and to the reference unbound; see the header it
# writes for the rules):
#   * every owner name of every served zone, and every empty non-terminal, with the types each
#     name has plus A, AAAA, CNAME, MX, NS, SOA and TXT (those it lacks give NODATA, or follow
#     the name's CNAME);
#   * a nonexistent name in each zone and one below every non-apex name (NXDOMAIN);
#   * a short hand-written list asked before anything else (FIRST below): the A records of the
#     broken zones' servers, so that a cache holds the child's word on them before any name in
#     those zones is asked;
#   * every name again in mIxEd CaSe (type A), asked next while both caches are nearly cold;
#   * a hand-written list (CURATED below): the dead zone, the delegation loop, NXNS, DS at zone
#     cuts, types nobody has, fresh names in the broken zones.
# A wildcard owner is asked through a name it synthesizes ("wild-diff" for "*"). Left out, with
# the reason written into the list: names inside delegations to servers the hierarchy does not
# run (dead, black-hole or test-played zones: each question costs a round of timeouts, and the
# CURATED list has one of each shape), and CNAME chains whose length only a resolver's own cap
# decides (MIN_CNAME_CAP, MAX_CNAME_CAP).
#
# Needs bash, awk and nsd-checkzone (which reads each zone file as NSD does and prints it in
# canonical order with absolute names, so no zone-file syntax is parsed here).

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
bash "$HERE/hierarchy/make-hierarchy.sh" "$TMP" >/dev/null

# The base set of types asked of every name; a name's own types are added to it.
BASE_TYPES="A AAAA CNAME MX NS SOA TXT"
# How many CNAME links a resolver follows is its own choice (unbound: 11 restarts). Chains of at
# most MIN-1 links must resolve and chains of MAX+1 or more must fail (hierarchy/README.md,
# "Limits"); a name whose chain lies in between is left out.
MIN_CNAME_CAP=7
MAX_CNAME_CAP=19

# Asked before everything else, as written. Keep comments: they are copied to the list.
FIRST=$(
  cat <<'EOF'
# moved.test.: the zone's own A record for its server says 127.0.23.2, where nothing listens; the
# parent's glue says 127.0.23.1. Asked first, the child's word (an answer, which outranks glue)
# is what each cache holds for the server before any name in the zone is asked, so every later
# question there needs the parent's glue again.
ns1.moved.test. A
# expired.test.: the zone's own A record for its server lives 2 s against the glue's 86400 s.
# Asked first, it has expired long before the zone's names are asked below (and the second pass
# starts more than 2 s after the first ends), while the NS RRset stays cached.
ns1.expired.test. A
EOF
)

# Asked after the generated questions, as written. Keep comments: they are copied to the list.
CURATED=$(
  cat <<'EOF'
# A zone whose servers are both dead: SERVFAIL from both. One question only, because each
# costs unbound about 1.5 s (three 500 ms timeouts) before it gives up.
www.alldead.test. A
# A delegation loop (loop1.test. NS ns.loop2.test., loop2.test. NS ns.loop1.test., no glue) and
# the NXNSAttack shape (twenty NS names, each NXDOMAIN): SERVFAIL from both, quickly.
www.loop1.test. A
www.nxns.test. A
nxns01.example. A
# DS is answered by the parent side of a zone cut (RFC 4035 3.1.4.1); unsigned: NODATA.
alpha.test. DS
beta.example. DS
glueless.test. DS
halfdead.test. DS
v4ns.example. DS
test. DS
# Types no name in the hierarchy has: NODATA at a name that exists, NXDOMAIN elsewhere.
v4only.alpha.test. SRV
v4only.alpha.test. PTR
v4only.alpha.test. CAA
v4only.alpha.test. HINFO
v4only.alpha.test. SSHFP
v4only.alpha.test. DNSKEY
alpha.test. DNSKEY
alpha.test. CAA
www.beta.example. HTTPS
www.beta.example. SVCB
_sip._tcp.alpha.test. SRV
_443._tcp.www.beta.example. TLSA
# A reverse name the root has no delegation for (only 5.in-addr.arpa. is): NXDOMAIN from the
# root; and the reverse zone's own cut, answered by the root's side (unsigned: NODATA).
8.7.6.4.in-addr.arpa. PTR
5.in-addr.arpa. DS
# The names the hierarchy README reserves for negative answers.
nxdomain.alpha.test. A
nxdomain.alpha.test. AAAA
nosuchtld. A
nosuchtld. SOA
# The broken zones (hierarchy/README.md, "Broken zones"): DS at each cut, answered by the parent
# side (unsigned: NODATA), and a fresh name in each (NXDOMAIN), which neither cache can answer:
# in moved.test. the cached address of the server is the child's dead one, recursor.test. has
# only a recursive server (RA=1, AA=0), and expired.test.'s server address has expired by now.
moved.test. DS
recursor.test. DS
expired.test. DS
fresh-diff.moved.test. A
fresh-diff.recursor.test. A
fresh-diff.expired.test. A
# expired.test.'s records live 2 s: asked again here, they are resolved again through a
# delegation whose server address has expired.
www.expired.test. A
ns1.expired.test. A
www.expired.test. TXT
EOF
)

# Left out on purpose; copied to the list as comments.
LEFT_OUT=$(
  cat <<'EOF'
# Left out, because a correct resolver may answer them differently from unbound by design or
# configuration:
#   * ANY: RFC 8482 lets a resolver answer with a subset (unbound answers from its cache).
#   * AXFR, IXFR: zone transfers are not resolver questions (unbound: REFUSED or NOTIMPL).
#   * RRSIG, NSEC, NSEC3, OPT and other meta types: RFC 4035 3.2.x / RFC 6895 special handling.
#   * Class CH (id.server, version.bind): answered by each server about itself.
#   * Names unbound answers locally by default (localhost., onion., RFC 1918 and other
#     special-use reverse zones such as 10.in-addr.arpa. or 127.in-addr.arpa., home.arpa.):
#     a resolver without those local zones recurses and gets NXDOMAIN from the root instead.
#   * Names inside delegations to servers the hierarchy does not run, other than the questions
#     above: blackhole.test., scripted.test., refused.test. and servfail.test. only mean
#     something while a test plays those servers; here they are dead, and each question would
#     cost both resolvers a round of timeouts.
EOF
)

# One line per record, "zone<TAB>owner<TAB>type", owners absolute and lowercase. The zone file of
# each instance is named in its nsd.conf.
records() {
  local zone conf file
  while read -r _ zone conf _; do
    file=$(awk '$1 == "zonefile:" { gsub(/"/, "", $2); print $2 }' "$conf")
    nsd-checkzone -p "$zone" "$TMP/zones/$file" | awk -F'\t' -v zone="$zone" '
      # nsd-checkzone prints "$ORIGIN o", then "owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata" with
      # the owner relative to the origin and left empty when it repeats; only an SOA spans lines.
      /^;/ { next }
      /^\$ORIGIN / { split($0, o, " "); origin = o[2]; next }
      in_soa { if (index($0, ")")) in_soa = 0; next }
      NF >= 5 {
        if ($1 != "") owner = ($1 ~ /\.$/) ? $1 : (origin == "." ? $1 "." : $1 "." origin)
        type = toupper($4)
        if (type == "SOA" && index($5, "(") && !index($5, ")")) in_soa = 1
        # A CNAME target is printed absolute; the chain rules below need it.
        print zone "\t" tolower(owner) "\t" type "\t" (type == "CNAME" ? tolower($5) : "")
      }'
  done <"$TMP/instances"
}

cat <<EOF
# Questions of tests/integration/differential_test.cc, one "name type" per line: each is asked of
# rebound and of the reference unbound, both recursing over the loopback hierarchy, and their
# RCODEs and answer sections (TTLs aside) must agree.
#
# Generated by make-differential-questions.sh from hierarchy/make-hierarchy.sh's zones; do not
# edit by hand: change the script (its CURATED list, or the rules) and rerun it. A comment line
# "# NAME (TYPES)" before a block says which record types NAME really has.
EOF
printf "\n# ---- Asked first ----\n%s\n" "$FIRST"

records | awk -F'\t' -v base_types="$BASE_TYPES" -v min_cap="$MIN_CNAME_CAP" \
  -v max_cap="$MAX_CNAME_CAP" '
  # True if `name` is `zone` or below it (both absolute, lowercase).
  function at_or_below(name, zone) {
    if (zone == ".") return 1
    return name == zone || substr(name, length(name) - length(zone)) == "." zone
  }
  function labels(name) { return name == "." ? 0 : gsub(/\./, ".", name) }
  function parent(name) { sub(/^[^.]*\./, "", name); return name == "" ? "." : name }
  # The zone that answers for `name`: the deepest served zone holding it, unless a delegation
  # below that zone (to servers outside the hierarchy) holds it; then "".
  function home(name,    z, best, c) {
    best = ""
    for (z in served) if (at_or_below(name, z) && (best == "" || labels(z) > labels(best))) best = z
    for (c in cut) if (!(c in served) && at_or_below(name, c) && labels(c) > labels(best)) return ""
    return best
  }
  # Canonical order (RFC 4034 6.1): labels compared from the right.
  function sort_key(name,    n, parts, i, key) {
    n = split(name, parts, ".")
    key = ""
    for (i = n; i >= 1; i--) if (parts[i] != "") key = key parts[i] " "
    return key
  }
  function mixed_case(name,    out, i, c, upper) {
    out = ""
    upper = 1
    for (i = 1; i <= length(name); i++) {
      c = substr(name, i, 1)
      if (c ~ /[a-z]/) { c = upper ? toupper(c) : c; upper = !upper }
      out = out c
    }
    return out
  }
  # Prints "rank<TAB>section<TAB>sort-key<TAB>seq<TAB>line" for sort(1) to order: rank 0 is the
  # mixed-case block, then each zone in the order of the instances file, then the left-out names.
  function emit(rank, section, key, line) {
    printf "%05d\t%d\t%s\t%06d\t%s\n", rank, section, key, ++seq, line
  }
  # Links of the CNAME chain that starts at `name`; -1 for a loop.
  function chain_links(name,    links) {
    for (links = 0; name in cname; links++) {
      if (links > 1000) return -1
      name = cname[name]
    }
    return links
  }
  # The name asked for an owner: a wildcard owner is asked through a name it synthesizes.
  function asked(name) { return substr(name, 1, 2) == "*." ? "wild-diff." substr(name, 3) : name }
  {
    zone = $1; owner = $2; type = $3
    if (!(zone in rank)) rank[zone] = ++zones
    served[zone] = 1
    owners[owner] = 1
    if (type == "NS" && owner != zone) cut[owner] = 1
    if (type == "CNAME") cname[owner] = $4
    if (!((owner, type) in has)) { has[owner, type] = 1; types[owner] = types[owner] " " type }
  }
  END {
    n_base = split(base_types, base, " ")
    for (owner in owners) {
      z = home(owner)
      if (z == "") {
        skipped[owner] = "inside a delegation to servers the hierarchy does not run"
        continue
      }
      links = chain_links(owner)
      if (links >= min_cap && links <= max_cap) {
        skipped[owner] = "CNAME chain of " links " links: the resolver cap decides"
        continue
      }
      name_home[owner] = z
      # Ancestors inside the home zone that own nothing are empty non-terminals.
      for (a = parent(owner); a != z && at_or_below(a, z); a = parent(a)) {
        if (!(a in owners)) { ent[a] = 1; name_home[a] = z }
      }
    }
    # Mixed case next, while both caches are nearly cold (names without letters would repeat).
    emit(0, 0, "", "")
    emit(0, 0, "", "# ---- Every name in mixed case, while both caches are nearly cold ----")
    for (name in name_home) {
      mixed = mixed_case(asked(name))
      if (!(name in ent) && mixed != name) emit(0, 0, sort_key(name), mixed " A")
    }
    for (z in served) {
      emit(rank[z], 0, "", "")
      emit(rank[z], 0, "", "# ---- Zone " z ": its names and empty non-terminals ----")
      nx = (z == "." ? "" : z)
      emit(rank[z], 2, "", "# nonexistent names in " z)
      emit(rank[z], 2, "", "nx-diff." nx " A")
      emit(rank[z], 2, "", "nx-diff." nx " AAAA")
      emit(rank[z], 2, "", "nx-diff." nx " TXT")
      emit(rank[z], 2, "", "deep.nx-diff." nx " A")
    }
    for (name in name_home) {
      r = rank[name_home[name]]
      key = sort_key(name)
      q = asked(name)
      if (name in ent) emit(r, 1, key, "# " name " (empty non-terminal)")
      else if (q != name) emit(r, 1, key, "# " name " (" substr(types[name], 2) "), asked as " q)
      else emit(r, 1, key, "# " name " (" substr(types[name], 2) ")")
      n_own = split(types[name], own, " ")
      for (i = 1; i <= n_own; i++) {
        if (index(" " base_types " ", " " own[i] " ") == 0) emit(r, 1, key, q " " own[i])
      }
      for (i = 1; i <= n_base; i++) emit(r, 1, key, q " " base[i])
      if (name != name_home[name]) emit(r, 1, key, "below-diff." q " A")
    }
    emit(99999, 0, "", "")
    emit(99999, 0, "", "# ---- Names left out, and why ----")
    for (name in skipped) emit(99999, 1, sort_key(name), "#   " name " " skipped[name])
  }' | LC_ALL=C sort -t$'\t' -k1,1 -k2,2n -k3,3 -k4,4 | cut -f5

printf "\n# ---- Hand-written questions ----\n%s\n\n%s\n" "$CURATED" "$LEFT_OUT"
