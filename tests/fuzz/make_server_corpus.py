#!/usr/bin/env python3
"""Writes the seed corpora of the server-side fuzz targets: relay_service (an option octet, then
method, path and content-type lines and a body), state_file (bootstrap-state-file contents),
h2_server_session (a client's HTTP/2 bytes, then four control octets), tcp_framing (two seed
octets, then a DNS-over-TCP stream) and query_handler (an option octet, then a datagram). Run
from anywhere; rewrites tests/fuzz/corpus/<target>/ for each."""
import base64
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_corpus import header, name, opt, question  # noqa: E402

A, NS, CNAME, SOA, TXT, AAAA, OPT, AXFR = 1, 2, 5, 6, 16, 28, 41, 252
IN = 1
RD = 0x0100
NOW = 1700000000  # the fuzz targets' clock


# --- DNS messages ---------------------------------------------------------------------------
# name, header, question and opt are make_corpus.py's (the query_reader seeds).

def rr(owner, rtype, ttl, rdata):
    return name(owner) + struct.pack(">HHIH", rtype, IN, ttl, len(rdata)) + rdata


def query(dotted, qtype=A, id_=0x1234, flags=RD, edns=None):
    if edns is None:
        return header(id_, flags) + question(dotted, qtype)
    return header(id_, flags, ar=1) + question(dotted, qtype) + edns


def framed(message):
    return struct.pack(">H", len(message)) + message


# --- relay_service --------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def http(options, method, path, content_type=b"", body=b""):
    return bytes([options]) + method + b"\n" + path + b"\n" + content_type + b"\n" + body


RELAY_QUERY = header(0, RD, ar=1) + question("www.example.com") + opt(4096)
RELAY_SERVICE = {
    "doh_get": http(0, b"GET", b"/dns-query?dns=" + b64url(RELAY_QUERY)),
    "doh_get_aaaa_later": http(8, b"GET", b"/dns-query?ct&dns="
                               + b64url(query("example.org", AAAA, id_=0))),
    "doh_get_reset": http(24, b"GET", b"/dns-query?dns=" + b64url(RELAY_QUERY)),
    "doh_get_padded": http(0, b"GET", b"/dns-query?dns="
                           + base64.urlsafe_b64encode(query("a.test"))),
    "doh_get_short": http(0, b"GET", b"/dns-query?dns=AAAA"),
    "doh_get_no_param": http(0, b"GET", b"/dns-query"),
    "doh_post": http(0, b"POST", b"/dns-query", b"application/dns-message", RELAY_QUERY),
    "doh_post_nxdomain": http(2, b"POST", b"/dns-query", b"Application/DNS-Message; x=y",
                              query("nx.example", TXT)),
    "doh_post_denied": http(4, b"POST", b"/dns-query", b"application/dns-message", RELAY_QUERY),
    "doh_post_not_dns_answer": http(5, b"POST", b"/dns-query", b"application/dns-message",
                                    RELAY_QUERY),
    "doh_post_formerr": http(0, b"POST", b"/dns-query", b"application/dns-message",
                             header(7, RD, qd=2) + question("x.test")),
    "doh_post_wrong_type": http(0, b"POST", b"/dns-query", b"text/plain", RELAY_QUERY),
    "doh_put": http(0, b"PUT", b"/dns-query", b"application/dns-message", RELAY_QUERY),
    "json_a_aaaa": http(0, b"GET", b"/bootstrap-dns?q=www.example.com"),
    "json_cname": http(1, b"GET", b"/bootstrap-dns?x=1&q=Www.Example.COM."),
    "json_percent": http(0, b"GET", b"/bootstrap-dns?q=%77ww.ex%61mple.com"),
    "json_bad_percent": http(0, b"GET", b"/bootstrap-dns?q=www%2"),
    "json_escape": http(0, b"GET", b"/bootstrap-dns?q=a%5C046b.test"),
    "json_plus_space": http(0, b"GET", b"/bootstrap-dns?q=a+b"),
    "json_nxdomain": http(2, b"GET", b"/bootstrap-dns?q=nx.test"),
    "json_servfail": http(3, b"GET", b"/bootstrap-dns?q=broken.test"),
    "json_denied": http(4, b"GET", b"/bootstrap-dns?q=www.example.com"),
    "json_only_a": http(7, b"GET", b"/bootstrap-dns?q=v4.test"),
    "json_later_reset": http(31, b"GET", b"/bootstrap-dns?q=slow.test"),
    "json_post": http(0, b"POST", b"/bootstrap-dns?q=a.test"),
    "json_root": http(0, b"GET", b"/bootstrap-dns?q=."),
    "not_found": http(0, b"GET", b"/dns-query/x?dns=AAAA"),
}


# --- state_file -----------------------------------------------------------------------------

def answer_entry(qname, qtype, expires, wire):
    return {"qname": qname, "qtype": qtype, "expires": expires,
            "wire": base64.b64encode(wire).decode()}


def relay_answer(dotted, qtype, records, flags=0x8180, ns=b"", nscount=0):
    body = b"".join(records)
    return (header(0, flags, an=len(records), ns=nscount) + question(dotted, qtype) + body + ns)


A_ANSWER = relay_answer("www.example.com", A, [rr("www.example.com", A, 300, bytes([192, 0, 2, 1])),
                                              rr("www.example.com", A, 90000, bytes([192, 0, 2, 2]))])
CNAME_ANSWER = relay_answer("alias.example", AAAA, [
    rr("alias.example", CNAME, 3600, name("host.example.net")),
    rr("host.example.net", AAAA, 600, bytes(15) + b"\x01")])
NX_ANSWER = relay_answer("nx.example", A, [], flags=0x8183, nscount=1, ns=rr(
    "example", SOA, 900, name("ns.example") + name("host.example")
    + struct.pack(">IIIII", 1, 2, 3, 4, 300)))
LAST_GOOD = "2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query"


def state(doc):
    return json.dumps(doc).encode() + b"\n"


STATE_FILE = {
    "full": state({"version": 1, "last_good": LAST_GOOD, "answers": [
        answer_entry("www.example.com.", A, NOW + 300, A_ANSWER),
        answer_entry("alias.example.", AAAA, NOW + 86400, CNAME_ANSWER),
        answer_entry("nx.example.", A, NOW + 60, NX_ANSWER)]}),
    "expired": state({"version": 1, "answers": [
        answer_entry("www.example.com.", A, NOW - 1, A_ANSWER)]}),
    "json_relay": state({"version": 1, "last_good": "127.0.0.1 8443 relay.test json /bootstrap-dns",
                         "answers": []}),
    "null_last_good": state({"version": 1, "last_good": None}),
    "mismatched_question": state({"version": 1, "answers": [
        answer_entry("other.example.", A, NOW + 30, A_ANSWER)]}),
    "garbage_wire": state({"version": 1, "answers": [
        answer_entry("www.example.com.", A, NOW + 30, b"\x00\x01\x02")]}),
    "escaped_name": state({"version": 1, "answers": [
        answer_entry("a\\046b.example.", 65535, 2 ** 62, A_ANSWER)]}),
    "version_2": state({"version": 2, "answers": []}),
    "bad_base64": b'{"version": 1, "answers": [{"qname": "a.", "qtype": 1, "expires": 1, '
                  b'"wire": "!!!"}]}',
    "qtype_too_big": b'{"version": 1, "answers": [{"qname": "a.", "qtype": 65536, "expires": 1, '
                     b'"wire": ""}]}',
    "float_expires": b'{"version": 1, "answers": [{"qname": "a.", "qtype": 1, "expires": 1.5, '
                     b'"wire": ""}]}',
    "bad_relay": b'{"version": 1, "last_good": "192.0.2.1 0 relay.test doh /q"}',
    "truncated": state({"version": 1, "last_good": LAST_GOOD})[:40],
    "not_object": b"[1, 2, 3]\n",
    "empty": b"",
}


# --- h2_server_session ----------------------------------------------------------------------

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = (
    0, 1, 2, 3, 4, 6, 7, 8, 9)
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(
        ">I", stream) + payload


def hpack_int(value, prefix_bits, first=0):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7f) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def literal(field, value):
    """A literal header field without indexing, new name (RFC 7541 6.2.2), no Huffman."""
    return b"\x00" + hpack_int(len(field), 7) + field + hpack_int(len(value), 7) + value


def request_block(method, path, extra=()):
    fields = [(b":method", method), (b":scheme", b"https"), (b":authority", b"relay.test"),
              (b":path", path)] + list(extra)
    return b"".join(literal(f, v) for f, v in fields)


def settings(*pairs):
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


OPEN = PREFACE + settings() + frame(SETTINGS, ACK, 0)
GET_PATH = b"/dns-query?dns=" + b64url(RELAY_QUERY)
POST_TYPE = [(b"content-type", b"application/dns-message")]


def get(stream, path=GET_PATH):
    return frame(HEADERS, END_STREAM | END_HEADERS, stream, request_block(b"GET", path))


def post(stream, body, extra=()):
    block = request_block(b"POST", b"/dns-query", POST_TYPE + list(extra))
    return frame(HEADERS, END_HEADERS, stream, block) + frame(DATA, END_STREAM, stream, body)


def rst(stream, code=8):  # CANCEL
    return frame(RST_STREAM, 0, stream, struct.pack(">I", code))


# Over the 16 KiB header limit; in two frames, as no frame may exceed 16384 octets here.
BIG_BLOCK = request_block(b"GET", GET_PATH, [(b"x-big", b"b" * 17000)])


def control(flags=0, seed=0):
    return bytes([flags]) + struct.pack("<I", seed)[:3]


H2 = {
    "get_one": OPEN + get(1) + control(),
    "get_indexed_fields": OPEN + frame(HEADERS, END_STREAM | END_HEADERS, 1, b"\x82\x87\x84"
                                       + literal(b":authority", b"relay.test")) + control(0, 7),
    "get_no_authority": OPEN + frame(HEADERS, END_STREAM | END_HEADERS, 1, b"\x82\x87\x84")
    + control(0, 19),
    "post_one": OPEN + post(1, RELAY_QUERY, [(b"content-length", str(len(RELAY_QUERY)).encode())])
    + control(0, 1),
    "pipelined": OPEN + b"".join(get(s) for s in (1, 3, 5, 7, 9)) + control(0, 2),
    "two_streams_limit": OPEN + b"".join(get(s) for s in (1, 3, 5)) + control(2, 3),
    "reset_before_end": OPEN + frame(HEADERS, END_HEADERS, 1, request_block(b"POST", b"/dns-query"))
    + rst(1) + get(3) + control(0, 4),
    "reset_after_request": OPEN + get(1) + rst(1) + get(3) + rst(3) + control(0, 5),
    "rapid_reset": OPEN + b"".join(get(s) + rst(s) for s in range(1, 240, 2)) + control(0, 6),
    "rapid_reset_small_burst": OPEN + b"".join(get(s) + rst(s) for s in range(1, 20, 2))
    + control(4, 8),
    "too_large_announced": OPEN + post(1, b"x" * 100, [(b"content-length", b"100000")])
    + control(0, 9),
    "too_large_body": OPEN + post(1, b"x" * 1000) + get(3) + control(1, 10),
    "continuation": OPEN + frame(HEADERS, END_STREAM, 1, request_block(b"GET", GET_PATH)[:20])
    + frame(CONTINUATION, END_HEADERS, 1, request_block(b"GET", GET_PATH)[20:])
    + frame(CONTINUATION, 0, 1) + control(0, 11),
    "padded_priority": OPEN + frame(HEADERS, END_STREAM | END_HEADERS | PADDED | PRIORITY_FLAG, 1,
                                    b"\x03" + struct.pack(">IB", 0, 15)
                                    + request_block(b"GET", GET_PATH) + b"\0\0\0")
    + control(0, 12),
    "trailers": OPEN + frame(HEADERS, END_HEADERS, 1, request_block(b"POST", b"/dns-query",
                                                                   POST_TYPE))
    + frame(DATA, 0, 1, RELAY_QUERY)
    + frame(HEADERS, END_STREAM | END_HEADERS, 1, literal(b"x-trailer", b"1")) + control(0, 13),
    "data_after_end": OPEN + get(1) + frame(DATA, END_STREAM, 1, b"late") + control(0, 14),
    "misc_frames": OPEN + frame(PING, 0, 0, b"12345678") + frame(WINDOW_UPDATE, 0, 0,
                                                                   struct.pack(">I", 1 << 20))
    + frame(PRIORITY, 0, 1, struct.pack(">IB", 0, 1)) + get(1)
    + frame(GOAWAY, 0, 0, struct.pack(">II", 1, 0)) + control(8, 15),
    "small_window": PREFACE + settings((4, 100), (5, 16384), (3, 10)) + frame(SETTINGS, ACK, 0)
    + get(1) + frame(WINDOW_UPDATE, 0, 1, struct.pack(">I", 1000)) + control(0, 16),
    "big_header": OPEN + frame(HEADERS, END_STREAM, 1, BIG_BLOCK[:10000])
    + frame(CONTINUATION, END_HEADERS, 1, BIG_BLOCK[10000:]) + get(3) + control(0, 17),
    "bad_preface": b"GET / HTTP/1.1\r\nHost: relay.test\r\n\r\n" + control(),
    "go_away_at_end": OPEN + get(1) + get(3) + control(8, 18),
}


# --- tcp_framing ----------------------------------------------------------------------------

Q1 = query("www.example.com")
Q2 = query("example.org", AAAA, id_=2, edns=opt(4096, do=True))
TCP_FRAMING = {
    "two_queries": b"\x01\x00" + framed(Q1) + framed(Q2),
    "partial_last": b"\x02\x00" + framed(Q1) + framed(Q2)[:10],
    "length_only": b"\x03\x00" + framed(Q1)[:2],
    "below_header": b"\x04\x00" + framed(Q1) + b"\x00\x0b" + bytes(11) + framed(Q2),
    "zero_length": b"\x05\x00\x00\x00",
    "large_message": b"\x06\x00" + framed(Q1 + bytes(1200)) + framed(Q2),
    "many_small": b"\x07\x00" + b"".join(framed(header(i, RD, qd=0)) for i in range(30)),
    "empty": b"\x08\x00",
}


# --- query_handler --------------------------------------------------------------------------

def qh(options, packet):
    return bytes([options]) + packet


# options: bit 0 TCP, bits 1-3 client, bits 4-6 stage mode, bit 7 packet cache.
TCP, CACHE = 0x01, 0x80
SNOOP, SETRD, REFUSED, DENIED, V6 = 2 << 1, 3 << 1, 4 << 1, 5 << 1, 1 << 1
NOSTAGE, ADDR, NX, LARGE, LATER, NEVER, NOTHING, MIXED = (m << 4 for m in range(8))
QUERY_HANDLER = {
    "a_cached": qh(ADDR | CACHE, Q1),
    "aaaa_edns_do_cached": qh(ADDR | CACHE, Q2),
    "a_tcp": qh(ADDR | TCP, Q1),
    "a_v6_client": qh(ADDR | V6 | CACHE, query("WwW.ExAmPlE.CoM")),
    "no_stages": qh(NOSTAGE, Q1),
    "nxdomain_cached": qh(NX | CACHE, query("nx.example", edns=opt())),
    "large_udp": qh(LARGE, query("big.example", TXT)),
    "large_udp_edns": qh(LARGE | CACHE, query("big.example", TXT, edns=opt(4096))),
    "large_tcp": qh(LARGE | TCP | CACHE, query("big.example", TXT)),
    "later": qh(LATER | CACHE, Q1),
    "never_udp": qh(NEVER, Q1),
    "never_tcp": qh(NEVER | TCP, Q1),
    "nothing": qh(NOTHING, Q1),
    "mixed_servfail": qh(MIXED | CACHE, query("alias.example", A, id_=0x0002, edns=opt())),
    "mixed_noerror": qh(MIXED | CACHE, query("alias.example", AAAA, id_=0x0010)),
    "snoop_rd0": qh(ADDR | SNOOP | CACHE, query("www.example.com", flags=0)),
    "allow_rd0": qh(ADDR | CACHE, query("www.example.com", flags=0)),
    "setrd_rd0": qh(ADDR | SETRD | CACHE, query("www.example.com", flags=0)),
    "refused": qh(ADDR | REFUSED, Q1),
    "denied": qh(ADDR | DENIED, Q1),
    "axfr": qh(ADDR | TCP, query("example.com", AXFR)),
    "badvers": qh(ADDR, query("example.com", edns=opt(version=1))),
    "notify_opcode": qh(ADDR, query("example.com", flags=(4 << 11))),
    "qr_set": qh(ADDR, query("example.com", flags=0x8000 | RD)),
    "two_questions": qh(ADDR, header(9, RD, qd=2) + question("a.test") + question("b.test")),
    "short": qh(ADDR, b"\x12\x34\x01"),
    "header_only": qh(ADDR, header(5, RD, qd=0)),
    "compressed_qname": qh(ADDR, header(6, RD) + b"\xc0\x0c" + struct.pack(">HH", A, IN)),
    "trailing_bytes": qh(ADDR | CACHE, Q1 + b"junk"),
    "bad_a_rdata": qh(ADDR, header(8, RD, an=1) + question("a.test")
                      + rr("a.test", A, 60, b"\x01\x02\x03")),
    "two_opts": qh(ADDR, header(10, RD, ar=2) + question("a.test") + opt() + opt()),
}


TARGETS = {
    "relay_service": RELAY_SERVICE,
    "state_file": STATE_FILE,
    "h2_server_session": H2,
    "tcp_framing": TCP_FRAMING,
    "query_handler": QUERY_HANDLER,
}

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for target, seeds in TARGETS.items():
        out_dir = os.path.join(here, "corpus", target)
        # Keeps regression inputs (files named regression_*) that fuzzing found.
        if os.path.isdir(out_dir):
            for entry in os.listdir(out_dir):
                if not entry.startswith("regression_"):
                    os.remove(os.path.join(out_dir, entry))
        os.makedirs(out_dir, exist_ok=True)
        for seed, data in seeds.items():
            with open(os.path.join(out_dir, seed), "wb") as f:
                f.write(data)
