package io.zt4j.stack.archfixture;

import java.io.File;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.concurrent.Executors;

/**
 * A deliberately bad class in a core package (test scope only): it breaks every layering rule,
 * so the architecture test can prove each rule fails when it should.
 */
public final class ForbiddenInStack {
  private ForbiddenInStack() {}

  public static long everythingForbidden() throws SocketException {
    new Thread(() -> {}).start();
    Executors.newSingleThreadExecutor().shutdown();
    new File("x").exists();
    new DatagramSocket().close();
    Object dependsOnNode = io.zt4j.node.ProtocolVersion.class;
    return System.currentTimeMillis() + System.nanoTime() + dependsOnNode.hashCode();
  }
}
