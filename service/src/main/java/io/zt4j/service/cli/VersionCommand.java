package io.zt4j.service.cli;

import io.zt4j.node.ProtocolVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code zt4j version}: zt4j version, Java runtime, and the ZeroTier protocol it speaks. */
@Command(name = "version", description = "Print the zt4j version, Java version and protocol version.")
final class VersionCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    for (String line : lines()) {
      spec.commandLine().getOut().println(line);
    }
  }

  static String[] lines() {
    return new String[] {
      "zt4j " + zt4jVersion(),
      "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
      "zerotier protocol " + ProtocolVersion.PROTOCOL
          + " (compatible with ZeroTier One " + ProtocolVersion.software() + ")"
    };
  }

  static String zt4jVersion() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream("/io/zt4j/service/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  /** Supplies {@code zt4j --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return lines();
    }
  }
}
