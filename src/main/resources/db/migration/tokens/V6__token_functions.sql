-- The token life cycle's writes as functions, so that a login's pair, a refresh and a blacklist
-- each cost PostgreSQL one statement in one round trip, committed on its own (no BEGIN, no
-- COMMIT). Sent as separate statements, a refresh took eight statements in four round trips, and
-- on a small box where PostgreSQL shares the CPU with the gateway each of them costs a context
-- switch. The functions are VOLATILE, so under READ COMMITTED every statement in them takes a
-- fresh snapshot: a state read after a row lock sees what the lock's previous holder committed.
-- None of them touches the users table (it may belong to Django, under another name): a refresh
-- is told whether its user is active by the calling statement.

-- Records what was issued: a refresh token as outstanding (when p_refresh_jti is not NULL) and an
-- access token as part of its session (when p_access_jti is not NULL). Each is a no-op if recorded.
CREATE FUNCTION tokengate_record_issued(p_refresh_jti varchar, p_user_id varchar, p_family varchar,
        p_now timestamptz, p_refresh_exp timestamptz, p_access_jti varchar, p_access_exp timestamptz)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_refresh_jti IS NOT NULL THEN
        INSERT INTO tokengate_outstanding_token (jti, user_id, family, created_at, expires_at)
        VALUES (p_refresh_jti, p_user_id, p_family, p_now, p_refresh_exp)
        ON CONFLICT (jti) DO NOTHING;
    END IF;
    IF p_access_jti IS NOT NULL THEN
        INSERT INTO tokengate_issued_access (jti, family, expires_at)
        VALUES (p_access_jti, p_family, p_access_exp)
        ON CONFLICT (jti) DO NOTHING;
    END IF;
END
$$;

-- Every revocation announces itself to every instance (delivered at commit), whoever inserts it:
-- the token functions below, tokengate's Java code, the users-table trigger. The payload is the
-- event Revocations.apply reads.
CREATE FUNCTION tokengate_announce_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tokengate_revocation', json_build_object('kind', NEW.kind, 'value', NEW.value,
        'reason', NEW.reason, 'not_before', NEW.not_before,
        'expires', floor(extract(epoch FROM NEW.expires_at))::bigint)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER tokengate_revocation_announced AFTER INSERT ON tokengate_revocation
    FOR EACH ROW EXECUTE FUNCTION tokengate_announce_revocation();

-- Revokes every unexpired access token of a session (each announced by the trigger above);
-- returns how many.
CREATE FUNCTION tokengate_revoke_session(p_family varchar, p_reason varchar)
    RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    WITH inserted AS (
        INSERT INTO tokengate_revocation (kind, value, reason, expires_at)
        SELECT 'jti', jti, p_reason, expires_at FROM tokengate_issued_access
        WHERE family = p_family AND expires_at > now()
        RETURNING 1)
    SELECT count(*) INTO n FROM inserted;
    RETURN n;
END
$$;

-- Locks a presented refresh token's row until the transaction ends, so concurrent uses of one
-- token serialize, and reads its state in a new statement, after the lock. A token with no row (one
-- minted elsewhere, e.g. by Simple JWT) is recorded as its own family: a row this transaction
-- inserted is locked by the insert, unseen by others and in a known state, so it is not read back.
CREATE FUNCTION tokengate_lock_token(p_jti varchar, p_user_id varchar, p_iat timestamptz, p_exp timestamptz,
        OUT token_id bigint, OUT family varchar, OUT rotated boolean, OUT blacklisted boolean)
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tokengate_outstanding_token WHERE jti = p_jti FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO tokengate_outstanding_token (jti, user_id, family, created_at, expires_at)
        VALUES (p_jti, p_user_id, p_jti, p_iat, p_exp)
        ON CONFLICT (jti) DO NOTHING
        RETURNING id, p_jti, false, false INTO token_id, family, rotated, blacklisted;
        IF FOUND THEN
            RETURN;
        END IF;
        -- another transaction recorded it since the first statement: wait for its lock
        PERFORM 1 FROM tokengate_outstanding_token WHERE jti = p_jti FOR UPDATE;
    END IF;
    SELECT o.id, o.family, o.rotated_at IS NOT NULL,
           EXISTS (SELECT 1 FROM tokengate_blacklisted_token b WHERE b.token_id = o.id)
      INTO token_id, family, rotated, blacklisted
      FROM tokengate_outstanding_token o WHERE o.jti = p_jti;
END
$$;

-- Simple JWT's refresh, with rotation, blacklist after rotation and reuse detection. Outcomes:
--   'blacklisted': the token is blacklisted (this wins over an inactive user); nothing changes.
--   'reuse':       the token was already rotated: its whole family is blacklisted (revoked counts
--                  the tokens newly blacklisted) and, with p_revoke_access, its access tokens revoked.
--   'inactive':    p_user_active is not true (inactive, deleted, no user claim); nothing changes.
--   'success':     with p_next_jti, the new refresh token is recorded in the family and, with
--                  p_retire, the presented one blacklisted and marked rotated; with p_revoke_access
--                  the access token p_access_jti is recorded in the session.
CREATE FUNCTION tokengate_refresh(p_jti varchar, p_user_id varchar, p_iat timestamptz, p_exp timestamptz,
        p_user_active boolean, p_now timestamptz, p_next_jti varchar, p_next_exp timestamptz, p_retire boolean,
        p_access_jti varchar, p_access_exp timestamptz, p_revoke_access boolean,
        OUT outcome text, OUT revoked integer)
    LANGUAGE plpgsql AS $$
DECLARE
    active  boolean := coalesce(p_user_active, false);
    t       record;
BEGIN
    revoked := 0;
    -- a token with no row cannot be blacklisted: refuse it without recording it
    IF NOT active AND NOT EXISTS (SELECT 1 FROM tokengate_outstanding_token WHERE jti = p_jti) THEN
        outcome := 'inactive';
        RETURN;
    END IF;
    t := tokengate_lock_token(p_jti, p_user_id, p_iat, p_exp);
    IF t.blacklisted AND t.rotated THEN
        INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at)
        SELECT id, now() FROM tokengate_outstanding_token WHERE family = t.family
        ON CONFLICT (token_id) DO NOTHING;
        GET DIAGNOSTICS revoked = ROW_COUNT;
        IF p_revoke_access THEN
            PERFORM tokengate_revoke_session(t.family, 'reuse');
        END IF;
        outcome := 'reuse';
    ELSIF t.blacklisted THEN
        outcome := 'blacklisted';
    ELSIF NOT active THEN
        outcome := 'inactive';
    ELSE
        IF p_next_jti IS NOT NULL AND p_retire THEN
            INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at) VALUES (t.token_id, now())
            ON CONFLICT (token_id) DO NOTHING;
            UPDATE tokengate_outstanding_token SET rotated_at = now() WHERE id = t.token_id;
        END IF;
        PERFORM tokengate_record_issued(p_next_jti, p_user_id, t.family, p_now, p_next_exp,
            CASE WHEN p_revoke_access THEN p_access_jti END, p_access_exp);
        outcome := 'success';
    END IF;
END
$$;

-- Simple JWT's blacklist (logout): blacklists the token and, with p_revoke_access, revokes its
-- session's access tokens. False when it was already blacklisted (then nothing changes).
CREATE FUNCTION tokengate_blacklist(p_jti varchar, p_user_id varchar, p_iat timestamptz, p_exp timestamptz,
        p_revoke_access boolean)
    RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    t := tokengate_lock_token(p_jti, p_user_id, p_iat, p_exp);
    IF t.blacklisted THEN
        RETURN false;
    END IF;
    INSERT INTO tokengate_blacklisted_token (token_id, blacklisted_at) VALUES (t.token_id, now())
    ON CONFLICT (token_id) DO NOTHING;
    IF p_revoke_access THEN
        PERFORM tokengate_revoke_session(t.family, 'logout');
    END IF;
    RETURN true;
END
$$;
