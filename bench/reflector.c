/* reflector: the ceiling for bench/run.sh. Answers every UDP DNS query on ADDR:PORT by sending
 * the same bytes back with QR set (and RA, RCODE NOERROR, no answer records). It parses nothing
 * beyond the 12-byte header, so its queries per second bound what any resolver on this machine,
 * with this kernel and this load generator, could reach on one core.
 *
 * usage: reflector ADDR PORT      (IPv4 address)
 * Batches with recvmmsg/sendmmsg, as a fast resolver front end would; single-threaded. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kBatch = 64, kBufSize = 4096 };

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ADDR PORT\n", argv[0]);
    return 2;
  }
  struct sockaddr_in local;
  memset(&local, 0, sizeof local);
  local.sin_family = AF_INET;
  local.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &local.sin_addr) != 1) {
    fprintf(stderr, "%s: not an IPv4 address: %s\n", argv[0], argv[1]);
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr*)&local, sizeof local) != 0) {
    perror("reflector: socket/bind");
    return 1;
  }
  int rcvbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

  static unsigned char bufs[kBatch][kBufSize];
  struct sockaddr_in peers[kBatch];
  struct iovec iov[kBatch];
  struct mmsghdr msgs[kBatch];
  for (;;) {
    for (int i = 0; i < kBatch; i++) {
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = kBufSize;
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_name = &peers[i];
      msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* Block for the first datagram, then take whatever else is already queued. */
    int n = recvmmsg(fd, msgs, kBatch, MSG_WAITFORONE, NULL);
    if (n <= 0) continue;
    int out = 0;
    for (int i = 0; i < n; i++) {
      unsigned len = msgs[i].msg_len;
      if (len < 12 || (bufs[i][2] & 0x80)) continue; /* too short, or already a response */
      bufs[i][2] |= 0x80;                            /* QR */
      bufs[i][3] = (unsigned char)((bufs[i][3] & 0x70) | 0x80); /* RA, RCODE 0 */
      iov[i].iov_len = len;
      if (out != i) msgs[out] = msgs[i];
      out++;
    }
    if (out > 0) sendmmsg(fd, msgs, (unsigned)out, 0);
  }
}
