package io.zt4j.stack.socket.tcp;

/**
 * SipHash-2-4 (Aumasson &amp; Bernstein) over a few 64-bit words: the keyed pseudo-random
 * function F() behind initial sequence numbers (RFC 6528), ephemeral port offsets (RFC 6056 §3.3.3),
 * timestamp offsets (RFC 7323 §5.4) and SYN cookies. Keys come from the caller's random source.
 */
final class SipHash {
  private final long k0;
  private final long k1;

  SipHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  long hash(long a, long b, long c, long d, long e) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    long[] s = {v0, v1, v2, v3};
    absorb(s, a);
    absorb(s, b);
    absorb(s, c);
    absorb(s, d);
    absorb(s, e);
    absorb(s, 40L << 56);
    s[2] ^= 0xff;
    for (int i = 0; i < 4; i++) {
      round(s);
    }
    return s[0] ^ s[1] ^ s[2] ^ s[3];
  }

  private static void absorb(long[] s, long m) {
    s[3] ^= m;
    round(s);
    round(s);
    s[0] ^= m;
  }

  private static void round(long[] s) {
    s[0] += s[1];
    s[1] = Long.rotateLeft(s[1], 13);
    s[1] ^= s[0];
    s[0] = Long.rotateLeft(s[0], 32);
    s[2] += s[3];
    s[3] = Long.rotateLeft(s[3], 16);
    s[3] ^= s[2];
    s[0] += s[3];
    s[3] = Long.rotateLeft(s[3], 21);
    s[3] ^= s[0];
    s[2] += s[1];
    s[1] = Long.rotateLeft(s[1], 17);
    s[1] ^= s[2];
    s[2] = Long.rotateLeft(s[2], 32);
  }
}
