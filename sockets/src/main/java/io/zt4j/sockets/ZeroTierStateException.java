package io.zt4j.sockets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file in a node's storage directory cannot be used (a corrupt {@code identity.secret}, a
 * {@code planet} that does not parse…). The message names the file and the problem; zt4j never
 * overwrites such a file — move or repair it and start again.
 */
public class ZeroTierStateException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  /** An exception about {@code file}. */
  public ZeroTierStateException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file that cannot be used. */
  public Path file() {
    return file;
  }
}
