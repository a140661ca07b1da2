/**
 * MemoLock codec: values as JSON with Jackson 3 ({@link io.memolock.jackson.JacksonCodec}), readable by
 * Spring's Jackson serializers and by Go or C# peers.
 */
@org.jspecify.annotations.NullMarked
module io.memolock.jackson {
  requires transitive io.memolock;
  requires transitive tools.jackson.databind;
  requires transitive tools.jackson.core;
  requires static org.jspecify;

  exports io.memolock.jackson;
}
