package io.zt4j.node.vl2;

/**
 * The outcome of checking a credential's signature(s), as ZeroTier's {@code verify()} reports it
 * (0 OK, 1 waiting for WHOIS, -1 bad): {@link Outcome#NEED_IDENTITY} names the signer whose
 * identity the caller has to fetch (WHOIS) before the check can finish.
 *
 * @param outcome the verdict
 * @param missingIdentity for {@link Outcome#NEED_IDENTITY}, the 40-bit address to look up; else 0
 */
public record Verification(Outcome outcome, long missingIdentity) {

  public enum Outcome {
    OK,
    NEED_IDENTITY,
    BAD
  }

  public static final Verification OK = new Verification(Outcome.OK, 0);
  public static final Verification BAD = new Verification(Outcome.BAD, 0);

  public static Verification needIdentity(long address) {
    return new Verification(Outcome.NEED_IDENTITY, address);
  }

  public boolean isOk() {
    return outcome == Outcome.OK;
  }
}
