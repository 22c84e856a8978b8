package io.tokengate.auth;

import io.tokengate.config.JwtConfig;
import io.tokengate.http.ApiException;
import io.tokengate.users.User;
import io.tokengate.users.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

/**
 * Django's {@code ModelBackend.authenticate}: the password is checked on a bounded worker pool,
 * an unknown user or unusable hash costs the same hashing work as a real one, an inactive user
 * is refused, and a hash with other settings is upgraded after a successful login.
 */
public final class Authenticator {

  public static final String BAD_CREDENTIALS = "No active account found with the given credentials";

  private final UserRepository users;
  private final DjangoPasswordHasher hasher;
  private final WorkerExecutor hashing;
  private final JwtConfig jwt;

  public Authenticator(UserRepository users, DjangoPasswordHasher hasher, WorkerExecutor hashing, JwtConfig jwt) {
    this.users = users;
    this.hasher = hasher;
    this.hashing = hashing;
    this.jwt = jwt;
  }

  /** The active user with these credentials, or a 401 {@link ApiException} with Simple JWT's body. */
  public Future<User> authenticate(String username, String password) {
    return users.findByUsername(username).compose(user -> {
      String encoded = user != null && DjangoPasswordHasher.usable(user.password()) ? user.password() : null;
      return hashing.executeBlocking(() -> hasher.verify(password, encoded), false)
          .compose(matches -> matches && user.isActive()
              ? afterLogin(user, password)
              : Future.failedFuture(ApiException.detail(401, BAD_CREDENTIALS)));
    });
  }

  private Future<User> afterLogin(User user, String password) {
    // the user as stored after the login: its tokens carry the fingerprint of the hash now stored
    Future<User> upgrade = hasher.needsUpgrade(user.password())
        ? hashing.executeBlocking(() -> hasher.encode(password), false)
            .compose(hash -> users.upgradePassword(user.username(), user.password(), hash).map(user.withPassword(hash)))
        : Future.succeededFuture(user);
    return upgrade
        .compose(stored -> (jwt.updateLastLogin() ? users.updateLastLogin(user.id()) : Future.<Void>succeededFuture()).map(stored));
  }
}
