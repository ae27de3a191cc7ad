package io.zt4j.node.vl2;

/**
 * Why the host is told about a network ({@code ZT_VirtualNetworkConfigOperation}): create the
 * tap ({@link #UP}), apply a new config ({@link #CONFIG_UPDATE}), stop it because the node is
 * closing ({@link #DOWN}) or remove it because the network was left ({@link #DESTROY}).
 */
public enum NetworkOperation {
  UP,
  CONFIG_UPDATE,
  DOWN,
  DESTROY
}
