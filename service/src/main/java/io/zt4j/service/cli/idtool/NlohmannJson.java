package io.zt4j.service.cli.idtool;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a JSON tree the way ZeroTier One prints JSON ({@code nlohmann::json::dump(1)}): objects
 * with keys in byte order, one space of indent per level, {@code "key": value}, and {@code []} /
 * {@code {}} for empty containers. Values are {@link Map}, {@link List}, {@link String},
 * {@link Number}, {@link Boolean} or null.
 */
final class NlohmannJson {
  private NlohmannJson() {}

  static String dump(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int level) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put((String) k, x));
      sb.append("{\n");
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          sb.append(",\n");
        }
        first = false;
        sb.append(" ".repeat(level + 1));
        string(sb, e.getKey());
        sb.append(": ");
        write(sb, e.getValue(), level + 1);
      }
      sb.append('\n').append(" ".repeat(level)).append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(",\n");
        }
        sb.append(" ".repeat(level + 1));
        write(sb, l.get(i), level + 1);
      }
      sb.append('\n').append(" ".repeat(level)).append(']');
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v == null) {
      sb.append("null");
    } else {
      sb.append(v);
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
