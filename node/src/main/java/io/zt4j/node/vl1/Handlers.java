package io.zt4j.node.vl1;

/** Registers VL1's verb handlers (one per verb) with the engine. */
final class Handlers {
  private Handlers() {}

  static void registerAll(Vl1 vl1) {
    NopHandler nop = new NopHandler();
    MultipathHandler multipath = new MultipathHandler();
    vl1.registerVerb(Verbs.NOP, nop);
    vl1.registerVerb(Verbs.HELLO, new HelloHandler());
    vl1.registerVerb(Verbs.ERROR, new ErrorHandler());
    vl1.registerVerb(Verbs.OK, new OkHandler());
    vl1.registerVerb(Verbs.WHOIS, new WhoisHandler());
    vl1.registerVerb(Verbs.RENDEZVOUS, new RendezvousHandler());
    vl1.registerVerb(Verbs.ECHO, new EchoHandler());
    vl1.registerVerb(Verbs.PUSH_DIRECT_PATHS, new PushDirectPathsHandler());
    vl1.registerVerb(Verbs.USER_MESSAGE, new UserMessageHandler());
    vl1.registerVerb(Verbs.REMOTE_TRACE, new RemoteTraceHandler());
    vl1.registerVerb(Verbs.ACK, multipath);
    vl1.registerVerb(Verbs.QOS_MEASUREMENT, multipath);
    vl1.registerVerb(Verbs.PATH_NEGOTIATION_REQUEST, multipath);
  }
}
