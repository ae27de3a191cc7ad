package io.zt4j.node;

/**
 * A state object the host returned cannot be used (an identity that does not parse or validate,
 * a planet that does not parse). The node refuses to start rather than silently replace it; the
 * host names the file (it knows where {@link #type()}/{@link #id()} is stored).
 */
public final class CorruptStateException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final StateObject type;
  private final long id;

  public CorruptStateException(StateObject type, long id, String problem) {
    super(type + " state is corrupt: " + problem);
    this.type = type;
    this.id = id;
  }

  public StateObject type() {
    return type;
  }

  public long id() {
    return id;
  }

  /** The problem without the object type (for messages that name the file instead). */
  public String problem() {
    String m = getMessage();
    int i = m.indexOf(": ");
    return i < 0 ? m : m.substring(i + 2);
  }
}
