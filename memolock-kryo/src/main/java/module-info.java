/** MemoLock codec: binary values with Kryo 5 ({@link io.memolock.kryo.KryoCodec}). */
@org.jspecify.annotations.NullMarked
module io.memolock.kryo {
  requires transitive io.memolock;
  requires com.esotericsoftware.kryo;
  requires org.objenesis;
  requires static org.jspecify;

  exports io.memolock.kryo;
}
