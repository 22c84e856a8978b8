package io.tokengate.support;

/** Tear-down for tests: closes what was opened, skipping what never was. */
public final class Closing {

  private Closing() {
  }

  /** Closes each non-null resource in order; every one is tried, and the first failure is thrown after. */
  public static void all(AutoCloseable... resources) {
    RuntimeException first = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
