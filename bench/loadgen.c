/* loadgen: a closed-loop DNS load generator for bench/run.sh that batches its system calls
 * (sendmmsg/recvmmsg over connected UDP sockets), so one core of it can keep a resolver on another
 * core busy where dnsperf, at one sendto and one recvfrom per query, cannot. It asks the questions
 * of a dnsperf-style query file ("name type" per line) in a loop, keeping a fixed number in flight,
 * and checks every answer: the ID must be one in flight on that socket and the question the one
 * sent. It prints its results with dnsperf's labels, so the same parsing reads both.
 *
 * With -Q it is an open loop instead: queries go out evenly spaced at RATE per second, each as it
 * falls due (a query that finds its socket's window full is skipped, and counted), which is how
 * latency is measured at a fixed load.
 *
 * usage: loadgen -s ADDR -d FILE [-p PORT] [-l SECONDS] [-c SOCKETS] [-q IN_FLIGHT] [-t TIMEOUT]
 *                [-Q RATE]
 *   ADDR an IPv4 or IPv6 address; PORT 53; SECONDS 10; SOCKETS 4; IN_FLIGHT 200 in all, shared
 *   evenly by the sockets; TIMEOUT 5 seconds, after which a query counts as lost and is replaced.
 * Queries carry RD and no EDNS, as dnsperf's do without -e. Single-threaded. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
  kBatch = 64,
  kBufSize = 4096,
  kHeaderSize = 12,
  kIds = 65536,
  kLatencyBuckets = 100000, /* 1 us each, up to 100 ms; slower answers go in the last */
};

/* ---- the query file, encoded once -------------------------------------------------------- */

struct Query {
  size_t offset; /* into query_wire: the whole message with ID 0 */
  uint16_t size;
};
static uint8_t* query_wire;
static size_t query_wire_size, query_wire_capacity;
static struct Query* queries;
static size_t query_count, query_capacity;

static int TypeCode(const char* name) {
  static const struct {
    const char* name;
    int code;
  } kTypes[] = {{"A", 1},   {"NS", 2},      {"CNAME", 5},  {"SOA", 6},  {"PTR", 12},
                {"MX", 15}, {"TXT", 16},    {"AAAA", 28},  {"SRV", 33}, {"NAPTR", 35},
                {"DS", 43}, {"DNSKEY", 48}, {"HTTPS", 65}, {"ANY", 255}};
  for (size_t i = 0; i < sizeof kTypes / sizeof kTypes[0]; i++) {
    if (strcasecmp(name, kTypes[i].name) == 0) return kTypes[i].code;
  }
  if (strncasecmp(name, "TYPE", 4) == 0 && isdigit((unsigned char)name[4])) {
    long code = strtol(name + 4, NULL, 10);
    if (code > 0 && code < 65536) return (int)code;
  }
  return -1;
}

static void Append(const void* bytes, size_t n) {
  if (query_wire_size + n > query_wire_capacity) {
    query_wire_capacity = query_wire_capacity ? 2 * query_wire_capacity : 1 << 20;
    query_wire = realloc(query_wire, query_wire_capacity);
    if (!query_wire) abort();
  }
  memcpy(query_wire + query_wire_size, bytes, n);
  query_wire_size += n;
}

/* Encodes NAME (presentation form, no escapes) as uncompressed wire labels (RFC 1035 3.1).
 * Returns 0, or -1 when it is not a valid name. */
static int AppendName(const char* name) {
  size_t total = 0;
  const char* p = name;
  if (strcmp(name, ".") == 0) p = "";
  while (*p) {
    const char* dot = strchr(p, '.');
    size_t len = dot ? (size_t)(dot - p) : strlen(p);
    if (len == 0 || len > 63) return -1;
    uint8_t len_byte = (uint8_t)len;
    Append(&len_byte, 1);
    Append(p, len);
    total += len + 1;
    p += len;
    if (*p == '.') p++;
  }
  uint8_t root = 0;
  Append(&root, 1);
  return total + 1 <= 255 ? 0 : -1;
}

static void ReadQueryFile(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(2);
  }
  char line[1024];
  unsigned line_number = 0;
  while (fgets(line, sizeof line, f)) {
    line_number++;
    char name[512], type[64];
    if (line[0] == '#' || line[0] == ';') continue;
    int fields = sscanf(line, "%511s %63s", name, type);
    if (fields <= 0) continue;
    int code = fields == 2 ? TypeCode(type) : 1;
    size_t start = query_wire_size;
    /* ID 0, RD, one question. */
    const uint8_t header[kHeaderSize] = {0, 0, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    Append(header, sizeof header);
    if (code < 0 || AppendName(name) != 0) {
      fprintf(stderr, "%s:%u: cannot make a query of this line\n", path, line_number);
      exit(2);
    }
    const uint8_t tail[4] = {(uint8_t)(code >> 8), (uint8_t)code, 0, 1}; /* class IN */
    Append(tail, sizeof tail);
    if (query_count == query_capacity) {
      query_capacity = query_capacity ? 2 * query_capacity : 1024;
      queries = realloc(queries, query_capacity * sizeof *queries);
      if (!queries) abort();
    }
    queries[query_count++] = (struct Query){start, (uint16_t)(query_wire_size - start)};
  }
  fclose(f);
  if (query_count == 0) {
    fprintf(stderr, "%s: no queries\n", path);
    exit(2);
  }
}

/* ---- sockets and what is in flight on each ----------------------------------------------- */

struct InFlight {
  uint64_t sent_ns;
  uint32_t query;
  uint8_t in_use;
};
struct Socket {
  int fd;
  unsigned window; /* queries this socket keeps in flight */
  unsigned in_flight;
  uint16_t next_id;
  struct InFlight ids[kIds];
};

static struct {
  uint64_t sent, completed, lost, unexpected;
  uint64_t skipped; /* open loop: sends that fell due while their socket's window was full */
  uint64_t rcodes[16];
  uint64_t latency_sum_ns;
  uint64_t last_answer_ns;
  uint64_t latency_buckets[kLatencyBuckets];
} stats;
static size_t next_query;

static uint64_t NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counts the queries sent more than timeout_ns ago as lost, and frees their IDs. A scan of the
 * whole ID table, a few times a second: cheaper than keeping the sends in order. */
static void ExpireOld(struct Socket* s, uint64_t now, uint64_t timeout_ns) {
  for (unsigned id = 0; id < kIds && s->in_flight > 0; id++) {
    struct InFlight* f = &s->ids[id];
    if (f->in_use && now - f->sent_ns >= timeout_ns) {
      f->in_use = 0;
      s->in_flight--;
      stats.lost++;
    }
  }
}

/* Sends up to `limit` queries, and no more than make the socket's window full (or than the
 * kernel takes). Returns how many went. */
static unsigned Refill(struct Socket* s, uint64_t now, unsigned limit) {
  struct mmsghdr msgs[kBatch];
  struct iovec iovs[kBatch][2];
  uint8_t ids[kBatch][2];
  uint16_t id_of[kBatch];
  unsigned total = 0;
  while (s->in_flight < s->window && total < limit) {
    unsigned n = 0;
    size_t first_query = next_query;
    while (n < kBatch && s->in_flight + n < s->window && total + n < limit) {
      uint16_t id = s->next_id++;
      if (s->ids[id].in_use) continue; /* still in flight: window < 65536, so this ends */
      const struct Query* q = &queries[(first_query + n) % query_count];
      id_of[n] = id;
      ids[n][0] = (uint8_t)(id >> 8);
      ids[n][1] = (uint8_t)id;
      iovs[n][0] = (struct iovec){ids[n], 2};
      iovs[n][1] = (struct iovec){query_wire + q->offset + 2, q->size - 2u};
      memset(&msgs[n], 0, sizeof msgs[n]);
      msgs[n].msg_hdr.msg_iov = iovs[n];
      msgs[n].msg_hdr.msg_iovlen = 2;
      n++;
    }
    int sent = sendmmsg(s->fd, msgs, n, MSG_DONTWAIT);
    if (sent <= 0) return total; /* EAGAIN: the next answer makes room */
    for (int i = 0; i < sent; i++) {
      struct InFlight* f = &s->ids[id_of[i]];
      f->in_use = 1;
      f->sent_ns = now;
      f->query = (uint32_t)((first_query + (size_t)i) % query_count);
    }
    s->in_flight += (unsigned)sent;
    stats.sent += (uint64_t)sent;
    next_query = (first_query + (size_t)sent) % query_count;
    total += (unsigned)sent;
    if ((unsigned)sent < n) return total;
  }
  return total;
}

/* Whether ANSWER (SIZE bytes) is an answer to QUERY: QR set and the same question (the name
 * compared without regard to case, since a resolver may echo it in another case). */
static int Answers(const uint8_t* answer, size_t size, const struct Query* query) {
  const uint8_t* sent = query_wire + query->offset;
  if (size < query->size || (answer[2] & 0x80) == 0) return 0;
  if (answer[4] != 0 || answer[5] != 1) return 0;
  for (size_t i = kHeaderSize; i < query->size; i++) {
    if (tolower(answer[i]) != tolower(sent[i])) return 0;
  }
  return 1;
}

static void Receive(struct Socket* s) {
  static uint8_t bufs[kBatch][kBufSize];
  struct mmsghdr msgs[kBatch];
  struct iovec iovs[kBatch];
  for (;;) {
    for (int i = 0; i < kBatch; i++) {
      iovs[i] = (struct iovec){bufs[i], kBufSize};
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(s->fd, msgs, kBatch, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    uint64_t now = NowNs();
    for (int i = 0; i < n; i++) {
      const uint8_t* b = bufs[i];
      size_t len = msgs[i].msg_len;
      if (len < kHeaderSize) {
        stats.unexpected++;
        continue;
      }
      struct InFlight* f = &s->ids[(uint16_t)(b[0] << 8 | b[1])];
      if (!f->in_use || !Answers(b, len, &queries[f->query])) {
        stats.unexpected++;
        continue;
      }
      f->in_use = 0;
      s->in_flight--;
      stats.completed++;
      stats.rcodes[b[3] & 0x0f]++;
      uint64_t latency = now - f->sent_ns;
      stats.latency_sum_ns += latency;
      stats.last_answer_ns = now;
      uint64_t bucket = latency / 1000;
      stats.latency_buckets[bucket < kLatencyBuckets ? bucket : kLatencyBuckets - 1]++;
    }
    if (n < kBatch) return;
  }
}

/* The latency below which `percent` of the answers came, in nanoseconds, to the next 1 us (the
 * last bucket holds everything slower than 100 ms). */
static uint64_t Percentile(double percent) {
  if (stats.completed == 0) return 0;
  uint64_t seen = 0;
  for (int b = 0; b < kLatencyBuckets; b++) {
    seen += stats.latency_buckets[b];
    if ((double)seen >= (double)stats.completed * percent / 100.0) return (uint64_t)(b + 1) * 1000;
  }
  return 0;
}

static int OpenSocket(const struct sockaddr_storage* server, socklen_t server_len) {
  int fd = socket(server->ss_family, SOCK_DGRAM, 0);
  if (fd < 0 || connect(fd, (const struct sockaddr*)server, server_len) != 0) {
    perror("loadgen: socket/connect");
    exit(1);
  }
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  return fd;
}

static void Usage(const char* argv0) {
  fprintf(stderr,
          "usage: %s -s ADDR -d FILE [-p PORT] [-l SECONDS] [-c SOCKETS] [-q IN_FLIGHT] "
          "[-t TIMEOUT] [-Q RATE]\n",
          argv0);
  exit(2);
}

static const char* RcodeName(int rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                       "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                       "NXRRSET", "NOTAUTH", "NOTZONE"};
  return rcode < (int)(sizeof kNames / sizeof kNames[0]) ? kNames[rcode] : "RCODE?";
}

int main(int argc, char** argv) {
  const char *address = NULL, *file = NULL;
  int port = 53, sockets = 4, in_flight = 200;
  double seconds = 10, timeout = 5, rate = 0;
  int opt;
  while ((opt = getopt(argc, argv, "s:d:p:l:c:q:t:Q:")) != -1) {
    switch (opt) {
      case 's':
        address = optarg;
        break;
      case 'd':
        file = optarg;
        break;
      case 'p':
        port = atoi(optarg);
        break;
      case 'l':
        seconds = atof(optarg);
        break;
      case 'c':
        sockets = atoi(optarg);
        break;
      case 'q':
        in_flight = atoi(optarg);
        break;
      case 't':
        timeout = atof(optarg);
        break;
      case 'Q':
        rate = atof(optarg);
        break;
      default:
        Usage(argv[0]);
    }
  }
  if (!address || !file || port <= 0 || port > 65535 || sockets <= 0 || in_flight < sockets ||
      in_flight / sockets >= kIds || seconds <= 0 || timeout <= 0 || rate < 0) {
    Usage(argv[0]);
  }
  struct sockaddr_storage server;
  socklen_t server_len;
  memset(&server, 0, sizeof server);
  struct sockaddr_in* v4 = (struct sockaddr_in*)&server;
  struct sockaddr_in6* v6 = (struct sockaddr_in6*)&server;
  if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    server_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    server_len = sizeof *v6;
  } else {
    fprintf(stderr, "%s: not an IP address: %s\n", argv[0], address);
    return 2;
  }
  ReadQueryFile(file);

  int epoll_fd = epoll_create1(0);
  struct Socket* socks = calloc((size_t)sockets, sizeof *socks);
  if (epoll_fd < 0 || !socks) {
    perror("loadgen");
    return 1;
  }
  for (int i = 0; i < sockets; i++) {
    socks[i].fd = OpenSocket(&server, server_len);
    socks[i].window = (unsigned)(in_flight / sockets + (i < in_flight % sockets ? 1 : 0));
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &socks[i]};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, socks[i].fd, &ev);
  }

  const uint64_t timeout_ns = (uint64_t)(timeout * 1e9);
  /* Open loop: the timer slack (50 us by default) would bunch the evenly spaced sends. */
  if (rate > 0) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  const uint64_t start = NowNs();
  const uint64_t end = start + (uint64_t)(seconds * 1e9);
  uint64_t now = start, last_expiry = start;
  uint64_t due_sent = 0; /* open loop: sends that have fallen due, whether they went or not */
  unsigned next_socket = 0;
  if (rate == 0) {
    for (int i = 0; i < sockets; i++) Refill(&socks[i], now, UINT_MAX);
  }
  /* The run, then a drain: no more sends, and up to TIMEOUT for what is still in flight. */
  int sending = 1;
  for (;;) {
    struct epoll_event events[16];
    /* Sleep until an answer comes, or the next open-loop send is due (at most 10 ms). */
    uint64_t wait_ns = 10000000u;
    if (sending && rate > 0) {
      const uint64_t next_due = start + (uint64_t)((double)due_sent * 1e9 / rate);
      wait_ns = next_due > now ? (next_due - now < wait_ns ? next_due - now : wait_ns) : 0;
    }
    const struct timespec wait = {(time_t)(wait_ns / 1000000000u), (long)(wait_ns % 1000000000u)};
    int n = epoll_pwait2(epoll_fd, events, 16, &wait, NULL);
    now = NowNs();
    if (sending && now >= end) sending = 0;
    for (int i = 0; i < n; i++) {
      struct Socket* s = events[i].data.ptr;
      Receive(s);
      if (sending && rate == 0) Refill(s, now, UINT_MAX);
    }
    if (sending && rate > 0) {
      /* Every send due by now, one at a time, the sockets in turn. */
      const uint64_t due = (uint64_t)((double)(now - start) * rate / 1e9) + 1;
      for (; due_sent < due; due_sent++) {
        if (Refill(&socks[next_socket], now, 1) == 0) stats.skipped++;
        next_socket = (next_socket + 1) % (unsigned)sockets;
      }
    }
    if (now - last_expiry >= 100000000u || !sending) {
      last_expiry = now;
      unsigned still = 0;
      for (int i = 0; i < sockets; i++) {
        ExpireOld(&socks[i], now, timeout_ns);
        if (sending && rate == 0) Refill(&socks[i], now, UINT_MAX);
        still += socks[i].in_flight;
      }
      if (!sending && (still == 0 || now - end >= timeout_ns)) {
        for (int i = 0; i < sockets; i++) stats.lost += socks[i].in_flight;
        break;
      }
    }
  }
  /* From the first send to the end of the sending period, or to the last answer when that came
   * later; not to the end of the wait for lost queries. */
  uint64_t last = stats.last_answer_ns > end ? stats.last_answer_ns : end;
  double run_time = (double)(last - start) / 1e9;

  printf(
      "Statistics (loadgen, %d sockets, %d in flight at most, %zu questions in the file, %s):\n\n",
      sockets, in_flight, query_count, rate > 0 ? "open loop" : "closed loop");
  printf("  Queries sent:         %llu\n", (unsigned long long)stats.sent);
  printf("  Queries completed:    %llu (%.2f%%)\n", (unsigned long long)stats.completed,
         stats.sent ? 100.0 * (double)stats.completed / (double)stats.sent : 0.0);
  printf("  Queries lost:         %llu (%.2f%%)\n", (unsigned long long)stats.lost,
         stats.sent ? 100.0 * (double)stats.lost / (double)stats.sent : 0.0);
  printf("  Unexpected answers:   %llu\n", (unsigned long long)stats.unexpected);
  if (rate > 0) {
    printf("  Sends skipped:        %llu (the window was full)\n",
           (unsigned long long)stats.skipped);
  }
  printf("\n");
  printf("  Response codes:      ");
  const char* separator = " ";
  for (int r = 0; r < 16; r++) {
    if (!stats.rcodes[r]) continue;
    printf("%s%s %llu (%.2f%%)", separator, RcodeName(r), (unsigned long long)stats.rcodes[r],
           100.0 * (double)stats.rcodes[r] / (double)stats.completed);
    separator = ", ";
  }
  printf("\n  Run time (s):         %.6f\n", run_time);
  printf("  Queries per second:   %.6f\n\n", (double)stats.completed / run_time);
  printf("  Average Latency (s):  %.6f\n",
         stats.completed ? (double)stats.latency_sum_ns / (double)stats.completed / 1e9 : 0.0);
  printf("  Latency p50 (s):      %.6f\n", (double)Percentile(50.0) / 1e9);
  printf("  Latency p99 (s):      %.6f\n", (double)Percentile(99.0) / 1e9);
  printf("  Latency p99.9 (s):    %.6f\n", (double)Percentile(99.9) / 1e9);
  return 0;
}
