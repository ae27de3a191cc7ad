package io.zt4j.service.cli.idtool;

import com.fasterxml.jackson.databind.JsonNode;
import io.zt4j.node.wire.World;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code genmoon <moon.json>}: signs the moon (or planet) defined by the JSON (as initmoon
 * prints it) with the current time as its timestamp, and writes {@code <16 hex id>.moon} into
 * the current directory (or {@code -C dir}). Roots and endpoints are sorted as zerotier-idtool
 * sorts them.
 */
@Command(name = "genmoon", description = "Sign a moon definition (JSON) into <id>.moon.")
final class GenmoonCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "<moon json>") List<String> args;

  @Option(names = {"-C", "--directory"}, paramLabel = "<dir>",
      description = "Write the .moon file here instead of the current directory.")
  Path directory = Path.of("");

  @Spec CommandSpec spec;

  /** The moon's timestamp source (ms); tests may replace it. */
  LongSupplier clock = System::currentTimeMillis;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (args == null || args.isEmpty()) {
      IdtoolSupport.printHelp(out);
      return 0; // zerotier-idtool exits 0 here
    }
    String file = args.get(0);
    Optional<byte[]> text = IdtoolSupport.readFile(Path.of(file));
    if (text.isEmpty()) {
      err.println("cannot read " + file);
      err.flush();
      return 1;
    }
    try {
      JsonNode mj = WorldDefinition.parse(text.get(), file);
      long id = IdtoolSupport.hexPrefixToLong(WorldDefinition.jsonString(mj.get("id"), "0"));
      if (id == 0) {
        err.println("ID in " + file + " is invalid");
        err.flush();
        return 1;
      }
      String wt = WorldDefinition.jsonString(mj.get("worldType"), "");
      World.Type type;
      if ("moon".equals(wt) && mj.get("worldType").isTextual()) {
        type = World.Type.MOON;
      } else if ("planet".equals(wt) && mj.get("worldType").isTextual()) {
        type = World.Type.PLANET;
      } else {
        err.println("invalid worldType");
        err.flush();
        return 1;
      }
      byte[] signingSecret = WorldDefinition.key(mj, "signingKey_SECRET");
      byte[] updatesMustBeSignedBy = WorldDefinition.key(mj, "updatesMustBeSignedBy");
      List<World.Root> roots = WorldDefinition.roots(mj, true);
      long now = clock.getAsLong();
      World w = World.make(type, id, now, updatesMustBeSignedBy, roots, signingSecret);
      String fn = String.format("%016x.moon", id);
      if (!IdtoolSupport.writeFile(directory.resolve(fn), w.serialize(), false)) {
        err.println("Error writing to " + fn);
        err.flush();
        return 1;
      }
      out.println("wrote " + fn + " (signed world with timestamp " + Long.toUnsignedString(now) + ")");
      out.flush();
      return 0;
    } catch (WorldDefinition.Invalid e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
  }
}
