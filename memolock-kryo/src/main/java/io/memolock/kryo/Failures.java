package io.memolock.kryo;

import com.esotericsoftware.kryo.KryoException;
import io.memolock.CodecException;

/**
 * Turns whatever Kryo (or a serializer it calls) throws into a {@link CodecException} with a
 * message that says what to do, so that no input bytes, however hostile, can raise anything else.
 * Stateless and thread-safe.
 *
 * <p>What is converted: every {@link Throwable} but the {@link VirtualMachineError}s that describe
 * the whole JVM ({@link OutOfMemoryError}, {@link InternalError}, {@link UnknownError}): those are
 * rethrown, as hiding them would hide a dying JVM, and the bounds on lengths ({@link Bounds}) keep
 * input bytes from causing them. A {@link StackOverflowError} is converted: it concerns one call on
 * one thread, whose stack is unwound by the time it is caught, and bytes can cause it when a
 * thread's stack is too small for {@link KryoCodec.Builder#maxDepth}. So are {@link LinkageError}s
 * (a class named by the bytes that fails to initialize), runtime exceptions and checked exceptions
 * thrown sneakily by a registered serializer; an {@link InterruptedException} among them has the
 * thread's interrupt flag restored.
 */
final class Failures {
  private Failures() {}

  /**
   * @param failure what encoding or decoding threw
   * @param what what was being done, e.g. {@code "decode the bytes"}
   * @param maxDepth the codec's depth limit, for the message
   * @return the exception to throw
   * @throws VirtualMachineError the failure itself, when it is one that is not converted
   */
  static CodecException convert(Throwable failure, String what, int maxDepth) {
    if (failure instanceof VirtualMachineError vm && !(failure instanceof StackOverflowError)) {
      throw vm;
    }
    if (failure instanceof CodecException codec) {
      return codec;
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new CodecException(
        null, null, "Kryo cannot " + what + ": " + explain(failure, maxDepth), failure);
  }

  /** Whether a Kryo instance that saw this failure may go back to its pool. */
  static boolean leavesKryoUsable(Throwable failure) {
    return failure instanceof RuntimeException;
  }

  /** Kryo's messages, with the fix for the common cases spelled out. */
  static String explain(Throwable e, int maxDepth) {
    if (e instanceof StackOverflowError) {
      return "the value nests too deep for this thread's stack (StackOverflowError at fewer than "
          + maxDepth
          + " levels): lower KryoCodec.builder(...).maxDepth(...) or give the thread a larger stack";
    }
    String message = String.valueOf(e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      int at = m.indexOf("Class is not registered: ");
      if (at >= 0) {
        String name = m.substring(at + 25).lines().findFirst().orElse("?");
        return "class "
            + name
            + " is not registered: add it to KryoCodec.builder(...).register(...), at the end of"
            + " the list, in every process sharing the data ("
            + firstLine(message)
            + ")";
      }
      if (m.contains("unregistered class ID")) {
        return firstLine(m)
            + ": the writer registered a class this codec does not (registrations must be the"
            + " same, in the same order, in every process)";
      }
      if (m.startsWith("Max depth exceeded")) {
        return "the value nests deeper than "
            + maxDepth
            + " levels, the codec's limit (KryoCodec.builder(...).maxDepth(...))";
      }
    }
    return e instanceof KryoException
        ? firstLine(message)
        : e.getClass().getName() + ": " + firstLine(message);
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse(text);
  }
}
