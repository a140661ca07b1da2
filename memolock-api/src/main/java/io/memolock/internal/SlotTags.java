package io.memolock.internal;

import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * For each Redis Cluster hash slot, a short text that hashes to it: a shard connection's control
 * channel carries one of its node's slots in a hash tag, so that {@code SSUBSCRIBE} to it is
 * accepted by that node. The table is made once per JVM on first use (about 10 ms). Thread-safe.
 */
public final class SlotTags {
  static final int SLOTS = 16384;

  private SlotTags() {}

  private static final class Table {
    static final String[] TAGS = build();

    private static String[] build() {
      String[] tags = new String[SLOTS];
      int missing = SLOTS;
      for (int i = 0; missing > 0; i++) {
        String text = Integer.toString(i, 36);
        int slot = JedisClusterCRC16.getSlot(text);
        if (tags[slot] == null) {
          tags[slot] = text;
          missing--;
        }
      }
      return tags;
    }
  }

  /**
   * @param slot a hash slot, 0 to 16383
   * @return a text whose slot it is
   */
  public static String forSlot(int slot) {
    return Table.TAGS[slot];
  }
}
