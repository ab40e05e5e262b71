#!/usr/bin/env python3
"""Writes the seed corpus of dns64_synthesizer_fuzz: a few A answers, each exercising a
different rule of the synthesizer. Run from anywhere; rewrites
tests/fuzz/corpus/dns64_synthesizer/."""
import os
import struct

A, NS, CNAME, SOA, AAAA = 1, 2, 5, 6, 28
IN, CH = 1, 3


def name(dotted):
    out = b""
    for label in filter(None, dotted.split(".")):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(id_, rcode=0, qd=1, an=0, ns=0):
    flags = 0x8180 | rcode  # QR RD RA
    return struct.pack(">HHHHHH", id_, flags, qd, an, ns, 0)


def question(dotted, qtype=A):
    return name(dotted) + struct.pack(">HH", qtype, IN)


def rr(owner, rtype, ttl, rdata, klass=IN):
    return name(owner) + struct.pack(">HHIH", rtype, klass, ttl, len(rdata)) + rdata


def a(owner, dotted_quad, ttl=300, klass=IN):
    return rr(owner, A, ttl, bytes(int(x) for x in dotted_quad.split(".")), klass)


def soa(zone, ttl, minimum):
    rdata = name("ns." + zone) + name("host." + zone) + struct.pack(">IIIII", 1, 7200, 3600,
                                                                      1209600, minimum)
    return rr(zone, SOA, ttl, rdata)


SEEDS = {
    "two_global": header(1, an=2) + question("www.example.com")
    + a("www.example.com", "8.8.8.8") + a("www.example.com", "1.1.1.1", 30),
    "private_under_wkp": header(2, an=3) + question("intra.example")
    + a("intra.example", "10.1.2.3") + a("intra.example", "192.0.0.9")
    + a("intra.example", "192.0.2.1"),
    "cname_chain": header(3, an=4) + question("Www.Example.org")
    + rr("www.example.org", CNAME, 300, name("cdn.example.net"))
    + rr("cdn.example.net", CNAME, 300, name("edge.example.net"))
    + a("EDGE.example.net", "93.184.216.34", 60) + a("other.example.net", "9.9.9.9"),
    "soa_cap": header(4, an=1, ns=1) + question("capped.example")
    + a("capped.example", "203.0.114.5", 3600) + soa("example", 3600, 45),
    "chaos_class": header(5, an=1) + question("ch.example") + a("ch.example", "8.8.4.4", 10, CH),
    "ipv4only": header(6, an=2) + question("IPv4only.arpa")
    + a("ipv4only.arpa", "192.0.0.170", 86400) + a("ipv4only.arpa", "192.0.0.171", 86400),
    "servfail_empty": header(7, rcode=2) + question("broken.example"),
    "mixed_types": header(8, an=3, ns=1) + question("m.example")
    + rr("m.example", AAAA, 300, bytes(10) + b"\xff\xff\xc0\x00\x02\x01")
    + a("m.example", "128.0.0.1") + rr("m.example", NS, 300, name("ns.m.example"))
    + soa("example", 60, 900),
}


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus",
                           "dns64_synthesizer")
    os.makedirs(out_dir, exist_ok=True)
    for entry in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, entry))
    for seed_name, data in SEEDS.items():
        with open(os.path.join(out_dir, seed_name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
