package io.zt4j.sockets;

import java.net.SocketOption;
import java.util.Objects;
import java.util.Set;

/** The option checks every NIO channel of ours makes first, with the JDK channels' exceptions. */
final class ChannelOptions {
  private ChannelOptions() {}

  /** {@code getOption}: a null name is an NPE, an option the channel lacks is unsupported. */
  static void checkSupported(Set<SocketOption<?>> supported, SocketOption<?> name) {
    Objects.requireNonNull(name, "name");
    if (!supported.contains(name)) {
      throw new UnsupportedOperationException("'" + name + "' not supported");
    }
  }

  /** {@code setOption}: as {@link #checkSupported}, and the value must have the option's type. */
  static void checkSettable(Set<SocketOption<?>> supported, SocketOption<?> name, Object value) {
    checkSupported(supported, name);
    if (!name.type().isInstance(value)) {
      throw new IllegalArgumentException("Invalid value '" + value + "'");
    }
  }
}
