package io.zt4j.controller.api;

import java.nio.charset.StandardCharsets;

/** The controller API's answer: status, content type and body. */
public record ApiResponse(int status, String contentType, byte[] body) {
  /** A JSON answer. */
  public static ApiResponse json(int status, String json) {
    return new ApiResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** The body as text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
