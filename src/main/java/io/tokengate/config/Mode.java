package io.tokengate.config;

/** How much the gateway may assume on its own: {@code dev} fills gaps with safe local defaults, {@code prod} refuses to. */
public enum Mode {
  DEV, PROD;

  public boolean isDev() {
    return this == DEV;
  }
}
