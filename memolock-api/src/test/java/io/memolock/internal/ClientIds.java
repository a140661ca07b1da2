package io.memolock.internal;

import java.util.concurrent.atomic.AtomicLong;

/** The {@code CLIENT ID} of a subscriber's current connection, kept up to date, for tests that kill it. */
final class ClientIds {
  private ClientIds() {}

  /** @return the id of the subscriber's connection as it (re)connects; -1 before the first */
  static AtomicLong follow(Subscriber s) {
    AtomicLong clientId = new AtomicLong(-1);
    s.addConnectionListener(
        new ConnectionListener() {
          @Override
          public void onConnected(long id) {
            clientId.set(id);
          }

          @Override
          public void onDisconnected() {}
        });
    return clientId;
  }
}
