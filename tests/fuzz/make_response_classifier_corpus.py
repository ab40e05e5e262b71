#!/usr/bin/env python3
"""Writes the seed corpus of response_classifier_fuzz: authoritative replies of each kind the
classifier tells apart (answer, CNAME/DNAME chains, referrals, lame, negative, errors), each
behind the selector octet that picks the question. Run from anywhere; rewrites
tests/fuzz/corpus/response_classifier/."""
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from make_corpus import header, name  # noqa: E402

A, NS, CNAME, SOA, TXT, AAAA, DNAME, DS, RRSIG, NSEC = 1, 2, 5, 6, 16, 28, 39, 43, 46, 47
QR, AA, RA = 0x8000, 0x0400, 0x0080
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5

# The selector octet (see response_classifier_fuzz.cc): zone in bits 0-1, qtype in bits 2-4,
# upper-case qname in bit 7. The qname is www.alpha.test.
ZONES = {".": 0, "test.": 1, "alpha.test.": 2, "www.alpha.test.": 3}
QTYPES = {A: 0, AAAA: 1, CNAME: 2, 255: 3, NS: 4, DS: 5, DNAME: 6, TXT: 7}


def selector(zone, qtype=A, upper=False):
    return bytes([ZONES[zone] | QTYPES[qtype] << 2 | (0x80 if upper else 0)])


def rr(owner, rtype, rdata, ttl=300, rclass=1):
    owner_wire = owner if isinstance(owner, bytes) else name(owner)
    return owner_wire + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def a(address):
    return socket.inet_pton(socket.AF_INET, address)


def aaaa(address):
    return socket.inet_pton(socket.AF_INET6, address)


def soa(mname, rname):
    return name(mname) + name(rname) + struct.pack(">IIIII", 1, 3600, 600, 86400, 300)


def rrsig(covered, signer):
    return struct.pack(">HBBIIIH", covered, 8, 2, 300, 0x70000000, 0x60000000, 1) + name(
        signer) + b"\x00\x01\x02"


def reply(flags, rcode, qtype=A, answer=(), authority=(), additional=(), qname="www.alpha.test"):
    question = name(qname) + struct.pack(">HH", qtype, 1)
    return header(0x1234, QR | flags | rcode, 1, len(answer), len(authority),
                  len(additional)) + question + b"".join(answer) + b"".join(authority) + b"".join(
                      additional)


WWW = "www.alpha.test"
SEEDS = {
    "answer_with_poison": selector("test.") + reply(AA, NOERROR, answer=[
        rr(WWW, A, a("192.0.2.1")), rr(WWW, RRSIG, rrsig(A, "test")),
        rr("www.example", A, a("192.0.2.66"))], authority=[rr("example", NS, name("ns.evil"))],
        additional=[rr("ns.evil", A, a("192.0.2.66"))]),
    "cname_chain_in_zone": selector("test.") + reply(AA, NOERROR, answer=[
        rr(WWW, CNAME, name("a.alpha.test")), rr("a.alpha.test", CNAME, name("b.test")),
        rr("b.test", A, a("192.0.2.2"))]),
    "cname_out_of_zone": selector("alpha.test.") + reply(AA, NOERROR, answer=[
        rr(WWW, CNAME, name("www.example")), rr("www.example", A, a("192.0.2.66"))]),
    "cname_loop": selector("test.") + reply(AA, NOERROR, answer=[
        rr(WWW, CNAME, name("x.test")), rr("x.test", CNAME, name(WWW))]),
    "dname": selector("test.") + reply(AA, NOERROR, answer=[
        rr("alpha.test", DNAME, name("beta.test")), rr(WWW, CNAME, name("www.beta.test")),
        rr("www.beta.test", A, a("192.0.2.3"))]),
    "dname_qtype_cname": selector("test.", CNAME) + reply(AA, NOERROR, CNAME, answer=[
        rr("alpha.test", DNAME, name("beta.example"))]),
    "referral_from_root": selector(".") + reply(0, NOERROR, authority=[
        rr("test", NS, name("ns.nic.test")), rr("test", NS, name("ns.example")),
        rr("test", DS, struct.pack(">HBB", 1, 8, 2) + bytes(32)),
        rr("test", RRSIG, rrsig(DS, ""))], additional=[
        rr("ns.nic.test", A, a("192.0.2.53")), rr("ns.nic.test", AAAA, aaaa("2001:db8::53")),
        rr("ns.example", A, a("192.0.2.54"))]),
    "referral_glue_mixed": selector("test.") + reply(0, NOERROR, authority=[
        rr("alpha.test", NS, name("ns1.alpha.test")), rr("alpha.test", NS, name("ns.other.net")),
        rr("other.test", NS, name("ns.other.test"))], additional=[
        rr("ns1.alpha.test", A, a("192.0.2.10")), rr("ns.other.net", A, a("192.0.2.66")),
        rr("unrelated.test", A, a("192.0.2.9"))]),
    "upward_referral": selector("alpha.test.") + reply(0, NOERROR, authority=[
        rr("", NS, name("a.root-servers.net"))], additional=[
        rr("a.root-servers.net", A, a("198.41.0.4"))]),
    "nxdomain_soa_nsec": selector("alpha.test.") + reply(AA, NXDOMAIN, authority=[
        rr("alpha.test", SOA, soa("ns.alpha.test", "admin.alpha.test")),
        rr("alpha.test", RRSIG, rrsig(SOA, "alpha.test")),
        rr("a.alpha.test", NSEC, name("z.alpha.test") + b"\x00\x01\x40")]),
    "nxdomain_after_cname": selector("test.") + reply(AA, NXDOMAIN, answer=[
        rr(WWW, CNAME, name("gone.test"))], authority=[
        rr("test", SOA, soa("ns.test", "admin.test"))]),
    "nodata_soa_other_class": selector("test.", TXT) + reply(AA, NOERROR, TXT, answer=[
        rr(WWW, TXT, b"\x05chaos", rclass=3)], authority=[
        rr("test", SOA, soa("ns.test", "admin.test"))]),
    # Compression pointers into the question (offset 12) and mixed-case owners.
    "compressed_mixed_case": selector(".", A, upper=True) + reply(AA, NOERROR, answer=[
        rr(b"\xc0\x0c", A, a("192.0.2.4")), rr("WWW.ALPHA.test", A, a("192.0.2.5"))],
        qname="wWw.AlPhA.tEsT"),
    "servfail": selector("test.") + reply(0, SERVFAIL, answer=[rr(WWW, A, a("192.0.2.1"))]),
    "refused_with_ra": selector("test.") + reply(RA, REFUSED),
}

if __name__ == "__main__":
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus",
                           "response_classifier")
    os.makedirs(out_dir, exist_ok=True)
    for seed, data in SEEDS.items():
        with open(os.path.join(out_dir, seed), "wb") as f:
            f.write(data)
