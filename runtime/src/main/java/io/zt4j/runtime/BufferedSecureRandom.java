package io.zt4j.runtime;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * A node's random source: bytes from a {@link SecureRandom} fetched {@value #BUFFER_BYTES} at a
 * time and handed out from the buffer. The node draws a 64-bit packet id for every packet it
 * sends, and {@code SecureRandom.nextLong()} (NativePRNG: two synchronized 4-byte reads mixed
 * with SHA1PRNG output) cost more per packet than the encryption; ZeroTier One likewise serves
 * {@code Utils::getSecureRandom} from a 64 KiB buffer of {@code /dev/urandom}.
 *
 * <p>Not thread-safe: owned by one node loop.
 */
final class BufferedSecureRandom implements RandomGenerator {
  static final int BUFFER_BYTES = 4096;
  private final SecureRandom source;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int position = BUFFER_BYTES;

  BufferedSecureRandom(SecureRandom source) {
    this.source = source;
  }

  @Override
  public long nextLong() {
    if (position > BUFFER_BYTES - 8) {
      source.nextBytes(buffer);
      position = 0;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buffer[position++] & 0xFF);
    }
    return v;
  }

  @Override
  public void nextBytes(byte[] bytes) {
    // keys and identities: straight from the source
    source.nextBytes(bytes);
  }
}
