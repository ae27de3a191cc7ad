package io.zt4j.stack.iface;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AddressTableTest {
  /** Random puts/removes (few distinct keys, so collisions and shifts happen) agree with a HashMap. */
  @Property(tries = 300)
  void behavesLikeAMap(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 40) Integer> keys,
      @ForAll @Size(max = 400) List<Boolean> removes) {
    AddressTable<Integer> t = new AddressTable<>(32);
    Map<Integer, Integer> model = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      int k = keys.get(i);
      boolean remove = i < removes.size() && removes.get(i);
      if (remove) {
        assertThat(t.remove(k & 3, k)).isEqualTo(model.remove(k));
      } else {
        boolean fits = model.containsKey(k) || model.size() < 32;
        assertThat(t.put(k & 3, k, i)).isEqualTo(fits);
        if (fits) {
          model.put(k, i);
        }
      }
      assertThat(t.size()).isEqualTo(model.size());
    }
    for (int k = 0; k <= 40; k++) {
      assertThat(t.get(k & 3, k)).isEqualTo(model.get(k));
    }
    int removed = t.removeIf(v -> v % 2 == 0);
    model.values().removeIf(v -> v % 2 == 0);
    assertThat(t.size()).isEqualTo(model.size());
    assertThat(removed).isNotNegative();
    for (int k = 0; k <= 40; k++) {
      assertThat(t.get(k & 3, k)).isEqualTo(model.get(k));
    }
  }
}
