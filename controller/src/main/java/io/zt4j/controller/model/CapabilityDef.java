package io.zt4j.controller.model;

import io.zt4j.node.vl2.Rule;
import java.util.List;

/** A network's capability definition: its id, whether new members get it, and its rules. */
public record CapabilityDef(long id, boolean isDefault, List<Rule> rules) {
  public CapabilityDef {
    rules = List.copyOf(rules);
  }
}
