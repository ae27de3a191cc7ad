package io.zt4j.controller.model;

/**
 * A request the controller refuses: malformed JSON or a value it cannot accept. The message
 * names the field and says what is wrong; the HTTP API answers it with status 400. Nothing is
 * stored when it is thrown.
 */
public final class InvalidRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
