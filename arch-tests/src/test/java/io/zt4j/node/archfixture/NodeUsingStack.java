package io.zt4j.node.archfixture;

/** A deliberately bad class: node code depending on stack (test scope only). */
public final class NodeUsingStack {
  private NodeUsingStack() {}

  public static Object stackType() {
    return io.zt4j.stack.archfixture.ForbiddenInStack.class;
  }
}
