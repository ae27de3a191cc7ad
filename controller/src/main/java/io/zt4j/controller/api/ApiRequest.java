package io.zt4j.controller.api;

import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request to the controller API, independent of the server that received it.
 *
 * @param method upper-case HTTP method
 * @param path the decoded path, without query
 * @param query decoded query parameters (the first value of each)
 * @param headers request headers, names in lower case (the first value of each)
 * @param body the request body (may be empty)
 */
public record ApiRequest(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
  public ApiRequest {
    method = method.toUpperCase(Locale.ROOT);
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }

  /** A request with no query, headers or body (tests). */
  public static ApiRequest of(String method, String path) {
    return new ApiRequest(method, path, Map.of(), Map.of(), new byte[0]);
  }
}
