package io.zt4j.runtime.driver;

/**
 * Sizes of the application-side buffers of the stack driver.
 *
 * @param tcpRxBytes bound of a TCP connection's rx buffer (bytes moved out of the stack socket
 *     and not yet read by the application); a slow reader stops the loop from draining the
 *     stack socket, whose window then closes
 * @param tcpTxBytes bound of a TCP connection's tx buffer (bytes written by the application and
 *     not yet taken by the stack socket); a fast writer parks when it is full
 * @param udpRxBytes bound of the datagrams a UDP socket holds for the application
 * @param udpTxBytes bound of the datagrams written and not yet sent by the loop
 */
public record DriverOptions(int tcpRxBytes, int tcpTxBytes, int udpRxBytes, int udpTxBytes) {
  public static final DriverOptions DEFAULTS = new DriverOptions(256 * 1024, 256 * 1024, 256 * 1024, 256 * 1024);

  public DriverOptions {
    if (tcpRxBytes <= 0 || tcpTxBytes <= 0 || udpRxBytes <= 0 || udpTxBytes <= 0) {
      throw new IllegalArgumentException("buffer sizes must be positive");
    }
  }
}
