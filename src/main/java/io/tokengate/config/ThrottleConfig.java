package io.tokengate.config;

import java.time.Duration;
import java.util.Set;

/**
 * Login throttling (OWASP: per account and per client, without an account-lockout DoS). Within
 * {@code window}: {@code usernameLimit} failed logins for one username from one client address,
 * {@code clientLimit} from one client address for any usernames, and {@code accountLimit} for one
 * username from all addresses (the ceiling against distributed guessing) block further attempts
 * until the oldest of them leaves the window. The account ceiling does not apply to an address that
 * logged in to that account within {@code knownClientWindow}, so strangers cannot lock the owner
 * out of their usual address. {@code maxQueuedLogins}: logins one instance lets wait for or run
 * password hashing at once; more are answered 503 with {@code Retry-After}.
 */
public record ThrottleConfig(boolean enabled, Duration window, int usernameLimit, int clientLimit, int accountLimit,
    Duration knownClientWindow, int maxQueuedLogins) {

  static ThrottleConfig fromJson(ConfigReader in) {
    in.onlyKeys(Set.of("enabled", "window", "username_limit", "client_limit", "account_limit", "known_client_window",
        "max_queued_logins"));
    Duration window = in.duration("window", Duration.ofMinutes(15), Duration.ofSeconds(1));
    if (window.compareTo(Duration.ofDays(1)) > 0) {
      // housekeeping deletes failures older than a day
      throw new ConfigException(in.key("window"), "at most P1D (one day), not " + window);
    }
    int usernameLimit = in.integer("username_limit", 5, 1, 1_000_000);
    int accountLimit = in.integer("account_limit", 100, 1, 1_000_000);
    if (accountLimit < usernameLimit) {
      throw new ConfigException(in.key("account_limit"), "must be at least login_throttle.username_limit (" + usernameLimit + ")");
    }
    Duration knownClientWindow = in.duration("known_client_window", Duration.ofDays(30), Duration.ZERO);
    if (knownClientWindow.compareTo(Duration.ofDays(365)) > 0) {
      throw new ConfigException(in.key("known_client_window"), "at most P365D, not " + knownClientWindow);
    }
    return new ThrottleConfig(
        in.bool("enabled", true),
        window,
        usernameLimit,
        in.integer("client_limit", 50, 1, 1_000_000),
        accountLimit,
        knownClientWindow,
        in.integer("max_queued_logins", 64, 1, 100_000));
  }
}
