package io.zt4j.node.wire;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of parsing untrusted bytes: either a value together with the number of bytes it
 * used, or the reason the bytes were dropped. Parsers return this instead of throwing, so no
 * exception escapes from bad input; {@link #value()} on a dropped result is a programming error.
 *
 * @param <T> the parsed type
 */
public sealed interface Parsed<T> permits Parsed.Ok, Parsed.Dropped {

  /** A successful parse: {@code value}, which used {@code length} bytes of the input. */
  record Ok<T>(T value, int length) implements Parsed<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
      if (length < 0) {
        throw new IllegalArgumentException("length < 0");
      }
    }
  }

  /** A refused input: the {@code reason} (for counting) and a human-readable {@code detail}. */
  record Dropped<T>(DropReason reason, String detail) implements Parsed<T> {
    public Dropped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public T value() {
      throw new IllegalStateException("dropped (" + reason + "): " + detail);
    }

    @Override
    public int length() {
      throw new IllegalStateException("dropped (" + reason + "): " + detail);
    }
  }

  static <T> Parsed<T> ok(T value, int length) {
    return new Ok<>(value, length);
  }

  static <T> Parsed<T> dropped(DropReason reason, String detail) {
    return new Dropped<>(reason, detail);
  }

  /** True for {@link Ok}. */
  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The parsed value; throws {@link IllegalStateException} if the input was dropped. */
  T value();

  /** Bytes used by the value; throws {@link IllegalStateException} if the input was dropped. */
  int length();

  /** The drop reason, or {@code null} for a successful parse. */
  default DropReason reason() {
    return this instanceof Dropped<T> d ? d.reason() : null;
  }

  /** Transforms a successful value, passing a drop through unchanged. */
  default <U> Parsed<U> map(Function<? super T, ? extends U> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()), ok.length());
    }
    Dropped<T> d = (Dropped<T>) this;
    return new Dropped<>(d.reason(), d.detail());
  }

  /** Re-types a drop (for a parser that passes on an inner parser's drop). */
  default <U> Parsed<U> asDropped() {
    if (this instanceof Dropped<T> d) {
      return new Dropped<>(d.reason(), d.detail());
    }
    throw new IllegalStateException("not dropped");
  }
}
