package io.zt4j.node.vl2;

import io.zt4j.node.vl2.RulesEngine.Evaluation;
import io.zt4j.node.vl2.RulesEngine.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's frame filter: base rules first, then capabilities, as ZeroTier's
 * {@code Network::filterOutgoingPacket} / {@code filterIncomingPacket} apply them.
 *
 * <ul>
 *   <li>Outbound: the base rules; if no action applied, our own capabilities in id order until one
 *       accepts (a DROP inside a capability only ends that capability).
 *   <li>Inbound: the base rules; if no action applied, the sender's valid capabilities.
 *   <li>TEE/WATCH copies and REDIRECTs become EXT_FRAME copies ({@link Copy}); a redirected frame
 *       is not delivered to its original destination.
 * </ul>
 */
public final class FrameFilter {
  private FrameFilter() {}

  /** EXT_FRAME flag values ZeroTier uses for copies (subtype bits and ACK request). */
  public static final int EXT_FRAME_TEE_OUTBOUND = 0x02;
  public static final int EXT_FRAME_REDIRECT_OUTBOUND = 0x04;
  public static final int EXT_FRAME_WATCH_OUTBOUND = 0x16;
  public static final int EXT_FRAME_TEE_INBOUND = 0x08;
  public static final int EXT_FRAME_REDIRECT_INBOUND = 0x0a;
  public static final int EXT_FRAME_WATCH_INBOUND = 0x1c;

  /** A copy of the frame to send as EXT_FRAME: first {@code length} bytes, these flags. */
  public record Copy(long to, int flags, int length) {}

  /**
   * The filter's decision.
   *
   * @param accept 0 drop, 1 accept, 2 accept regardless of MAC/bridging checks (inbound only)
   * @param copies EXT_FRAMEs to send (TEE/WATCH copies, the redirected frame)
   */
  public record Decision(int accept, List<Copy> copies) {
    public boolean accepted() {
      return accept > 0;
    }
  }

  /**
   * Filters a frame from our tap.
   *
   * @param destination the receiving member's credentials, or null (multicast, unknown)
   * @param noTee true when copies were already made for this frame (multicast fan-out)
   */
  public static Decision outgoing(RulesEngine engine, NetworkConfig config, Membership destination, Frame frame,
      boolean noTee) {
    List<Copy> copies = new ArrayList<>(1);
    Evaluation base = engine.evaluate(config, destination, frame, config.rules());
    int accept = 0;
    long finalDest = base.destination();
    switch (base.result()) {
      case NO_MATCH -> {
        for (Capability cap : config.capabilities()) {
          Evaluation e = engine.evaluate(config, destination, frame, cap.rules());
          if (e.result() == RulesEngine.Result.ACCEPT || e.result() == RulesEngine.Result.REDIRECT
              || e.result() == RulesEngine.Result.SUPER_ACCEPT) {
            accept = 1;
            finalDest = e.destination();
            if (!noTee && e.teeTo() != 0) {
              copies.add(new Copy(e.teeTo(), e.teeWatch() ? EXT_FRAME_WATCH_OUTBOUND : EXT_FRAME_TEE_OUTBOUND,
                  e.teeLength()));
            }
            break;
          }
        }
      }
      case DROP -> {
        return new Decision(0, List.of());
      }
      case REDIRECT, ACCEPT -> accept = 1;
      case SUPER_ACCEPT -> accept = 2;
    }
    if (accept == 0) {
      return new Decision(0, List.of());
    }
    if (!noTee && base.teeTo() != 0) {
      copies.add(new Copy(base.teeTo(), base.teeWatch() ? EXT_FRAME_WATCH_OUTBOUND : EXT_FRAME_TEE_OUTBOUND,
          base.teeLength()));
    }
    if (finalDest != frame.ztDest() && finalDest != 0) {
      copies.add(new Copy(finalDest, EXT_FRAME_REDIRECT_OUTBOUND, frame.length()));
      return new Decision(0, copies);
    }
    return new Decision(accept, copies);
  }

  /** Filters a frame received from {@code source} (whose credentials the membership holds). */
  public static Decision incoming(RulesEngine engine, NetworkConfig config, Membership source, Frame frame) {
    List<Copy> copies = new ArrayList<>(1);
    Evaluation base = engine.evaluate(config, source, frame, config.rules());
    int accept = 0;
    long finalDest = base.destination();
    switch (base.result()) {
      case NO_MATCH -> {
        for (Capability cap : source.capabilities(config)) {
          Evaluation e = engine.evaluate(config, source, frame, cap.rules());
          switch (e.result()) {
            case REDIRECT, ACCEPT -> accept = 1;
            case SUPER_ACCEPT -> accept = 2;
            default -> {
              continue;
            }
          }
          finalDest = e.destination();
          if (e.teeTo() != 0) {
            copies.add(new Copy(e.teeTo(), e.teeWatch() ? EXT_FRAME_WATCH_INBOUND : EXT_FRAME_TEE_INBOUND,
                e.teeLength()));
          }
          break;
        }
      }
      case DROP -> {
        return new Decision(0, List.of());
      }
      case REDIRECT, ACCEPT -> accept = 1;
      case SUPER_ACCEPT -> accept = 2;
    }
    if (accept == 0) {
      return new Decision(0, List.of());
    }
    if (base.teeTo() != 0) {
      copies.add(new Copy(base.teeTo(), base.teeWatch() ? EXT_FRAME_WATCH_INBOUND : EXT_FRAME_TEE_INBOUND,
          base.teeLength()));
    }
    if (finalDest != frame.ztDest() && finalDest != 0) {
      copies.add(new Copy(finalDest, EXT_FRAME_REDIRECT_INBOUND, frame.length()));
      return new Decision(0, copies);
    }
    return new Decision(accept, copies);
  }
}
