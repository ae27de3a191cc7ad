package io.zt4j.testkit.link;

/** Receives frames from a simulated link. The buffer is valid only during the call. */
@FunctionalInterface
public interface FrameSink {
  void deliver(byte[] frame, int off, int len, long nowNanos);
}
