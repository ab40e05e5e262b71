#!/usr/bin/env python3
"""Writes the seed corpus of query_reader_fuzz: a few small queries, each taking a different
path through ReadQuery. Run from anywhere; rewrites tests/fuzz/corpus/query_reader/."""
import os
import struct


def name(dotted):
    out = b""
    for label in filter(None, dotted.split(".")):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(id_, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", id_, flags, qd, an, ns, ar)


def opt(size=1232, version=0, do=False, rdata=b""):
    ttl = (version << 16) | (0x8000 if do else 0)
    return b"\0" + struct.pack(">HHIH", 41, size, ttl, len(rdata)) + rdata


def question(dotted, qtype=1):
    return name(dotted) + struct.pack(">HH", qtype, 1)


RD = 0x0100
SEEDS = {
    "plain_a": header(0x0001, RD) + question("www.example.com"),
    "edns_do_aaaa_0x20": header(0x0002, RD, ar=1) + question("wWw.ExAmPlE.cOm", 28)
    + opt(do=True),
    "edns_cookie": header(0x0003, RD | 0x0010, ar=1) + question("example.org", 16)
    + opt(4096, rdata=struct.pack(">HH", 10, 8) + b"\x01\x02\x03\x04\x05\x06\x07\x08"),
    # An extra additional record whose owner points back into the question.
    "compressed_additional": header(0x0004, RD, ar=2) + question("mail.example.net", 15)
    + b"\xc0\x11" + struct.pack(">HHIH", 1, 1, 300, 4) + b"\xc0\x00\x02\x01" + opt(),
    "badvers": header(0x0005, RD, ar=1) + question("example.com") + opt(version=1),
    "notify_opcode": header(0x0006, 4 << 11) + question("example.com", 6),
    "root_ns": header(0x0007, 0) + question(".", 2),
}

if __name__ == "__main__":
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "query_reader")
    os.makedirs(out_dir, exist_ok=True)
    for seed, data in SEEDS.items():
        with open(os.path.join(out_dir, seed), "wb") as f:
            f.write(data)
