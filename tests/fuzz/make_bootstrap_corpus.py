#!/usr/bin/env python3
"""Writes the seed corpora of relay_list_fuzz (relay lists) and relay_answer_fuzz (a selector
octet, then a DoH answer in wire format or a JSON body). Run from anywhere; rewrites
tests/fuzz/corpus/relay_list/ and tests/fuzz/corpus/relay_answer/."""
import os
import struct

A, NS, CNAME, SOA, MX, TXT, AAAA, OPT = 1, 2, 5, 6, 15, 16, 28, 41
IN = 1
QTYPE_INDEX = {A: 0, AAAA: 1, MX: 2, TXT: 3, SOA: 4, CNAME: 5, NS: 6}
TTL_INDEX = {0: 0, 60: 1, 300: 2, 86400: 3}
NAME_INDEX = {"www.example.com": 0, "WWW.Example.COM": 1, "example.com": 2, ".": 3}

RELAY_LISTS = {
    "two_families": b"# comment\n"
    b"2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query\n"
    b"\n"
    b"1.1.1.1 443 cloudflare-dns.com doh /dns-query   # trailing\n",
    "json_and_crlf": b"127.0.0.1\t8443\trelay.test\tjson\t/bootstrap-dns\r\n"
    b"::1 8443 Relay.Test. doh /a/b%2Fc;d=e\r\n",
    "bad_port": b"192.0.2.1 0 relay.test doh /dns-query\n",
    "bad_name": b"192.0.2.1 443 192.0.2.1 doh /dns-query\n",
    "bad_path": b"192.0.2.1 443 relay.test doh /q?x=1\n",
    "duplicate": b"192.0.2.1 443 a.test doh /q\n192.0.2.1 443 A.TEST doh /q\n",
    "single_line": b"2001:db8::1 443 relay.test doh /dns-query",
}


def name(dotted):
    out = b""
    for label in filter(None, dotted.split(".")):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def selector(qname, qtype, max_ttl, json=False):
    return bytes([(0x80 if json else 0) | (TTL_INDEX[max_ttl] << 5) | (QTYPE_INDEX[qtype] << 2)
                  | NAME_INDEX[qname]])


def header(id_=0, flags=0x8180, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", id_, flags, qd, an, ns, ar)


def question(dotted, qtype):
    return name(dotted) + struct.pack(">HH", qtype, IN)


def rr(owner, rtype, ttl, rdata):
    return name(owner) + struct.pack(">HHIH", rtype, IN, ttl, len(rdata)) + rdata


def opt(size=1232):
    return b"\0" + struct.pack(">HHIH", OPT, size, 0, 0)


def soa(zone, ttl, minimum):
    rdata = name("ns." + zone) + name("host." + zone) + struct.pack(">IIIII", 1, 7200, 3600,
                                                                     1209600, minimum)
    return rr(zone, SOA, ttl, rdata)


W = "www.example.com"
DOH = {
    "a_answer": selector(W, A, 300) + header(an=2, ar=1) + question(W, A)
    + rr(W, A, 86400, bytes([192, 0, 2, 1])) + rr(W, A, 60, bytes([192, 0, 2, 2])) + opt(),
    "aaaa_cname": selector(W, AAAA, 60) + header(an=2) + question(W, AAAA)
    + rr(W, CNAME, 3600, name("host.example.net")) + rr("host.example.net", AAAA, 3600,
                                                      bytes(15) + b"\x01"),
    "nxdomain_soa": selector("example.com", MX, 300) + header(flags=0x8183, ns=1)
    + question("example.com", MX) + soa("example.com", 3600, 86400),
    "referral_glue": selector(W, A, 86400) + header(ns=1, ar=1) + question(W, A)
    + rr("example.com", NS, 172800, name("ns.example.com"))
    + rr("ns.example.com", A, 172800, bytes([192, 0, 2, 53])),
    "compressed": selector("WWW.Example.COM", A, 0) + header(an=1) + question(W, A)
    + b"\xc0\x0c" + struct.pack(">HHIH", A, IN, 300, 4) + bytes([192, 0, 2, 9]),
    "servfail": selector(W, A, 300) + header(flags=0x8182) + question(W, A),
    "wrong_id": selector(W, A, 300) + header(id_=0x1234, an=1) + question(W, A)
    + rr(W, A, 60, bytes([192, 0, 2, 1])),
    "root_txt": selector(".", TXT, 60) + header(an=1) + question(".", TXT)
    + rr(".", TXT, 60, b"\x05hello"),
}
JSON = {
    "json_mixed": selector(W, A, 300, json=True)
    + b'{"www.example.com": ["192.0.2.1", "2001:db8::1", "192.0.2.1"]}',
    "json_aaaa_dot": selector("WWW.Example.COM", AAAA, 60, json=True)
    + b'{"www.example.com.": ["2001:db8::1", "::ffff:192.0.2.1"]}',
    "json_empty": selector(W, A, 86400, json=True) + b'{"www.example.com": []}',
    "json_wrong_key": selector(W, A, 300, json=True) + b'{"example.com": ["192.0.2.1"]}',
    "json_escapes": selector("example.com", A, 0, json=True)
    + b'{"ex\\u0061mple.com": ["\\u0031\\u0039\\u0032.0.2.1", 5, null, {"a": []}]}',
    "json_root": selector(".", AAAA, 300, json=True) + b'{".": ["::1"]}',
}

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for target, seeds in (("relay_list", RELAY_LISTS), ("relay_answer", {**DOH, **JSON})):
        out_dir = os.path.join(here, "corpus", target)
        os.makedirs(out_dir, exist_ok=True)
        for seed, data in seeds.items():
            with open(os.path.join(out_dir, seed), "wb") as f:
                f.write(data)
    # The shipped list is a seed too: the real thing the parser must take.
    with open(os.path.join(here, "..", "..", "bootstrap", "relays.list"), "rb") as f:
        shipped = f.read()
    with open(os.path.join(here, "corpus", "relay_list", "shipped_relays_list"), "wb") as f:
        f.write(shipped)
