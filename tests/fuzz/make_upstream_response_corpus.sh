#!/usr/bin/env bash
# Writes the seed corpus of upstream_response_fuzz from real packets: it starts the integration
# hierarchy's NSD servers in a private network namespace, asks them the questions the fuzz target
# asks (www.alpha.test. of the root, test. and alpha.test. servers, every qtype it knows) and a
# few other shapes (CNAME chain, NXDOMAIN, NODATA, TC=1, a referral), and stores each reply behind
# the selector octet that makes the fuzz target ask that server that question. The hierarchy has
# no www.alpha.test., so the response_classifier seeds are added for the positive shapes. Needs root (port
# 53, unshare). Run from anywhere; rewrites tests/fuzz/corpus/upstream_response/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/corpus/upstream_response"

if [[ ${REBOUND_CORPUS_IN_NAMESPACE:-} != 1 ]]; then
  [[ $(id -u) == 0 ]] || { echo "$0: needs root (network namespace, port 53)" >&2; exit 1; }
  exec unshare --net env REBOUND_CORPUS_IN_NAMESPACE=1 "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d)
trap '"$root/tests/integration/hierarchy/stop-hierarchy.sh" "$work/h" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$root/tests/integration/hierarchy/start-hierarchy.sh" "$work/h" >/dev/null

rm -rf "$out"
mkdir -p "$out"
python3 - "$out" <<'PY'
import os, random, socket, struct, sys

out = sys.argv[1]
ZONES = {".": ("127.0.1.1", 0), "test.": ("127.0.2.1", 1), "alpha.test.": ("127.0.10.1", 2),
         "www.alpha.test.": ("127.0.10.1", 3)}
QTYPES = {"A": (1, 0), "AAAA": (28, 1), "CNAME": (5, 2), "ANY": (255, 3), "NS": (2, 4),
          "DS": (43, 5), "MX": (15, 6), "TXT": (16, 7)}
REPLAY, FORCE_QUESTION = 0x20, 0x40


def name(dotted):
    wire = b""
    for label in filter(None, dotted.split(".")):
        wire += bytes([len(label)]) + label.encode()
    return wire + b"\0"


def ask(server, qname, qtype, edns=True):
    qid = random.randrange(65536)
    query = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 1 if edns else 0) + name(qname) + struct.pack(
        ">HH", qtype, 1)
    if edns:
        query += b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(query, (server, 53))
        reply, _ = s.recvfrom(65535)
    assert reply[:2] == query[:2], "reply to another query"
    return reply


def save(label, selector, reply):
    with open(os.path.join(out, label), "wb") as f:
        f.write(bytes([selector]) + reply)


# The fixed question, asked of each zone's server as the fuzz target asks it.
for zone, (server, zone_bits) in ZONES.items():
    for tname, (qtype, type_bits) in QTYPES.items():
        selector = zone_bits | type_bits << 2 | FORCE_QUESTION
        label = f"www_{tname}_from_{zone.strip('.').replace('.', '_') or 'root'}"
        save(label, selector, ask(server, "www.alpha.test.", qtype))
# Other shapes from the hierarchy, replayed as the reply to the fixed question: the records are
# real but off the question's chain, which is what a confused or hostile server sends.
for label, zone, qname, tname in [
        ("chain_in_zone", "alpha.test.", "chain1.alpha.test.", "A"),
        ("cross_zone_chain", "alpha.test.", "cross.alpha.test.", "A"),
        ("nxdomain", "alpha.test.", "nxdomain.alpha.test.", "A"),
        ("nodata", "alpha.test.", "nodata.alpha.test.", "AAAA"),
        ("truncated_big", "alpha.test.", "big.alpha.test.", "A"),
        ("mx_with_additional", "alpha.test.", "alpha.test.", "MX"),
        ("referral_glueless", "test.", "www.glueless.test.", "A"),
        ("referral_nxns", "test.", "www.nxns.test.", "A"),
        ("root_priming", ".", ".", "NS")]:
    server, zone_bits = ZONES[zone]
    qtype, type_bits = QTYPES[tname]
    save(label, zone_bits | type_bits << 2 | FORCE_QUESTION | REPLAY, ask(server, qname, qtype))
# Without EDNS, and one whose question is left as it came (the transport would drop it).
save("no_edns_answer", 2 | 0 << 2 | FORCE_QUESTION, ask("127.0.10.1", "www.alpha.test.", 1, False))
save("question_mismatch", 2, ask("127.0.10.1", "v4only.alpha.test.", 1))
# The classifier's hand-made seeds (tests/fuzz/corpus/response_classifier/, same question and
# zone bits): positive answers, chains, DNAME, poison, for the fixed question.
classifier = os.path.join(os.path.dirname(out), "response_classifier")
for seed in sorted(os.listdir(classifier)):
    with open(os.path.join(classifier, seed), "rb") as f:
        data = f.read()
    if data:
        save("classifier_" + seed, (data[0] & 0x1F) | FORCE_QUESTION | REPLAY, data[1:])
print(len(os.listdir(out)))
PY
