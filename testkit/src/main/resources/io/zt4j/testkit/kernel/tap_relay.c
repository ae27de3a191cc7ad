/*
 * zt4j test helper: relays Ethernet frames between a TAP device and this process's
 * stdin/stdout, so a JVM test can put a user-space stack on a real Linux link.
 *
 *   tap_relay <ifname> [mtu]      (run inside the network namespace that should own the TAP)
 *
 * Framing on both pipes: 2-byte big-endian length, then that many bytes of frame (no FCS).
 * After the TAP exists the helper writes one zero-length record: the "ready" signal.
 * It exits when stdin reaches EOF (the JVM closed the pipe or died) or on any I/O error.
 * Built by the tests with gcc into target/; part of zt4j's test kit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_FRAME 65536

static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads exactly n bytes; returns 0, or -1 on EOF/error. */
static int read_all(int fd, unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r == 0) return -1;
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || strlen(argv[1]) >= IFNAMSIZ) {
    fprintf(stderr, "usage: tap_relay <ifname>\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (tap < 0) {
    perror("tap_relay: open /dev/net/tun");
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(tap, TUNSETIFF, &ifr) < 0) {
    perror("tap_relay: TUNSETIFF");
    return 1;
  }
  static unsigned char buf[2 + MAX_FRAME];
  buf[0] = 0;
  buf[1] = 0;
  if (write_all(1, buf, 2) < 0) return 1; /* ready */

  struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = tap, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      perror("tap_relay: poll");
      return 1;
    }
    if (fds[1].revents & POLLIN) {
      ssize_t n = read(tap, buf + 2, MAX_FRAME);
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        perror("tap_relay: read tap");
        return 1;
      }
      if (n > 0) {
        buf[0] = (unsigned char)(n >> 8);
        buf[1] = (unsigned char)n;
        if (write_all(1, buf, (size_t)n + 2) < 0) return 0; /* JVM went away */
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      unsigned char hdr[2];
      if (read_all(0, hdr, 2) < 0) return 0; /* EOF: done */
      size_t len = ((size_t)hdr[0] << 8) | hdr[1];
      static unsigned char in[MAX_FRAME];
      if (read_all(0, in, len) < 0) return 0;
      if (len > 0 && write(tap, in, len) < 0 && errno != EIO && errno != EINVAL) {
        perror("tap_relay: write tap");
      }
    }
  }
}
