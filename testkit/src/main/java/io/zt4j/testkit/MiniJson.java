package io.zt4j.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for test vectors (objects, arrays, strings with escapes, numbers, booleans,
 * null). Objects become {@code Map<String,Object>}, arrays {@code List<Object>}, numbers {@code
 * Long} or {@code Double}. Not for untrusted input: it throws on malformed text.
 */
public final class MiniJson {
  private final String s;
  private int p;

  private MiniJson(String s) {
    this.s = s;
  }

  /** Parses one JSON value. */
  public static Object parse(String text) {
    MiniJson j = new MiniJson(text);
    Object v = j.value();
    j.ws();
    if (j.p != text.length()) {
      throw new IllegalArgumentException("trailing characters at " + j.p);
    }
    return v;
  }

  /** Parses one JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String text) {
    return (Map<String, Object>) parse(text);
  }

  private void ws() {
    while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
      p++;
    }
  }

  private Object value() {
    ws();
    char c = s.charAt(p);
    switch (c) {
      case '{':
        return obj();
      case '[':
        return arr();
      case '"':
        return str();
      case 't':
        expect("true");
        return Boolean.TRUE;
      case 'f':
        expect("false");
        return Boolean.FALSE;
      case 'n':
        expect("null");
        return null;
      default:
        return num();
    }
  }

  private void expect(String word) {
    if (!s.startsWith(word, p)) {
      throw new IllegalArgumentException("expected " + word + " at " + p);
    }
    p += word.length();
  }

  private Map<String, Object> obj() {
    Map<String, Object> m = new LinkedHashMap<>();
    p++;
    ws();
    if (s.charAt(p) == '}') {
      p++;
      return m;
    }
    while (true) {
      ws();
      String k = str();
      ws();
      if (s.charAt(p++) != ':') {
        throw new IllegalArgumentException("expected : at " + (p - 1));
      }
      m.put(k, value());
      ws();
      char c = s.charAt(p++);
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or } at " + (p - 1));
      }
    }
  }

  private List<Object> arr() {
    List<Object> l = new ArrayList<>();
    p++;
    ws();
    if (s.charAt(p) == ']') {
      p++;
      return l;
    }
    while (true) {
      l.add(value());
      ws();
      char c = s.charAt(p++);
      if (c == ']') {
        return l;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or ] at " + (p - 1));
      }
    }
  }

  private String str() {
    if (s.charAt(p) != '"') {
      throw new IllegalArgumentException("expected string at " + p);
    }
    p++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = s.charAt(p++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = s.charAt(p++);
      switch (e) {
        case 'n': sb.append('\n'); break;
        case 't': sb.append('\t'); break;
        case 'r': sb.append('\r'); break;
        case 'b': sb.append('\b'); break;
        case 'f': sb.append('\f'); break;
        case 'u':
          sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
          p += 4;
          break;
        default: sb.append(e);
      }
    }
  }

  private Object num() {
    int start = p;
    while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) {
      p++;
    }
    String t = s.substring(start, p);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("unexpected character at " + start);
    }
    if (t.contains(".") || t.contains("e") || t.contains("E")) {
      return Double.parseDouble(t);
    }
    return Long.parseLong(t);
  }
}
