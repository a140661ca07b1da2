package io.memolock.spi;

/** The classic scheme (see {@link KeyScheme#classic()}). Stateless. */
final class ClassicKeyScheme implements KeyScheme {
  static final ClassicKeyScheme INSTANCE = new ClassicKeyScheme();

  private ClassicKeyScheme() {}

  @Override
  public Keys keys(String tag, String id) {
    return new Keys(
        tag + ":" + id, tag + "/lock:" + id, tag + "/notif:" + id, tag + "/fail:" + id);
  }

  @Override
  public String valueKey(String tag, String id) {
    return tag + ":" + id;
  }

  @Override
  public String toString() {
    return "KeyScheme.classic()";
  }
}
