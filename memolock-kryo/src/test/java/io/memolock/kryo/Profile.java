package io.memolock.kryo;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A typical cached value: a record with text, numbers, collections and a nested record. */
record Profile(
    String name, int age, List<String> tags, Map<String, Integer> scores, @Nullable Address address) {

  record Address(String city, String zip) {}
}
