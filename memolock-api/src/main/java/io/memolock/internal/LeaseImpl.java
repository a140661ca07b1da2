package io.memolock.internal;

import io.memolock.Lease;
import io.memolock.LeaseLostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A lock lease: the holder's token and its owner-checked renewal. Thread-safe. */
final class LeaseImpl implements Lease {
  final String id;
  private final String tag;
  private final ResourceKeys keys;
  private final byte[] token;
  private final Commands commands;
  private final Protocol protocol;
  private volatile boolean lost;

  LeaseImpl(String tag, ResourceKeys keys, byte[] token, Commands commands, Protocol protocol) {
    this.id = keys.id;
    this.tag = tag;
    this.keys = keys;
    this.token = token;
    this.commands = commands;
    this.protocol = protocol;
  }

  @Override
  public void extend(Duration duration) {
    Durations.check(duration, 1, "duration");
    if (lost) {
      throw new LeaseLostException(tag, id);
    }
    long millis = duration.toMillis();
    if (!commands.protocol(id, () -> protocol.renew(keys, token, millis))) {
      lost = true;
      throw new LeaseLostException(tag, id);
    }
  }

  @Override
  public boolean held() {
    return !lost;
  }

  @Override
  public String token() {
    return new String(token, StandardCharsets.UTF_8);
  }

  /** The store found the lock another's (or a fresher value): the lease is gone. */
  void markLost() {
    lost = true;
  }
}
