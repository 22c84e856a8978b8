-- Living next to a running Django + Simple JWT app on one database.
--
-- 1. Simple JWT's own blacklist tables (token_blacklist_outstandingtoken/_blacklistedtoken, made by
--    Django's migrations, never by tokengate) are shared when jwt.simplejwt_blacklist resolves to on:
--    every refresh token tokengate issues is an outstanding row there, as Simple JWT's for_user makes
--    it; blacklisting, rotation and reuse write blacklisted rows, as BlacklistMixin.blacklist does;
--    a refresh or blacklist checks Django's blacklist by jti, as check_blacklist does. tokengate's
--    own tables keep families, rotation times and access-token sessions on top. The functions name
--    those tables only inside PL/pgSQL bodies (planned at first call), so they exist on every
--    database but touch Django's tables only when the caller says p_simplejwt.
-- 2. password_fp: md5 of the user's stored password hash when tokengate issued (or first saw) the
--    refresh token; Simple JWT 5.3's hash_password claim is the same md5. A refresh whose user's hash
--    has changed since is refused, even on a Django database without the users-table trigger.
--    tokengate's own re-hash on login moves the fingerprints with it (it is not a password change).

ALTER TABLE tokengate_outstanding_token ADD COLUMN password_fp varchar(32) NULL;

-- BlacklistedToken.objects.filter(token__jti=jti).exists()
CREATE FUNCTION tokengate_simplejwt_blacklisted(p_jti varchar) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM token_blacklist_blacklistedtoken b
                   JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = p_jti);
END
$$;

-- OutstandingToken.objects.create (for_user) or get_or_create (blacklist): a no-op when the jti has a row.
CREATE FUNCTION tokengate_simplejwt_outstand(p_jti varchar, p_token text, p_user_pk bigint,
        p_created timestamptz, p_expires timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO token_blacklist_outstandingtoken (jti, token, user_id, created_at, expires_at)
    VALUES (p_jti, p_token, p_user_pk, p_created, p_expires)
    ON CONFLICT (jti) DO NOTHING;
END
$$;

-- BlacklistMixin.blacklist(): the outstanding row (get_or_create), then BlacklistedToken (get_or_create).
CREATE FUNCTION tokengate_simplejwt_blacklist(p_jti varchar, p_token text, p_user_pk bigint,
        p_created timestamptz, p_expires timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tokengate_simplejwt_outstand(p_jti, p_token, p_user_pk, p_created, p_expires);
    INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
    SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = p_jti
    ON CONFLICT (token_id) DO NOTHING;
END
$$;

-- A login's pair (tokengate_record_issued), the refresh token's password fingerprint, and with
-- p_simplejwt its outstanding row in Simple JWT's table.
CREATE FUNCTION tokengate_issue(p_refresh_jti varchar, p_user_id varchar, p_now timestamptz, p_refresh_exp timestamptz,
        p_access_jti varchar, p_access_exp timestamptz, p_password text,
        p_simplejwt boolean, p_refresh_token text, p_user_pk bigint)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tokengate_record_issued(p_refresh_jti, p_user_id, p_refresh_jti, p_now, p_refresh_exp, p_access_jti, p_access_exp);
    UPDATE tokengate_outstanding_token SET password_fp = md5(p_password) WHERE jti = p_refresh_jti;
    IF p_simplejwt THEN
        PERFORM tokengate_simplejwt_outstand(p_refresh_jti, p_refresh_token, p_user_pk, p_now, p_refresh_exp);
    END IF;
END
$$;

-- tokengate_refresh with Django's blacklist and the password fingerprint. Outcomes are those of
-- tokengate_refresh plus 'password': the user's stored hash is not the one the token was issued
-- under (nothing changes). A token Django blacklisted is first blacklisted in tokengate's tables
-- too, so that reuse detection, verify and later requests agree with Django.
CREATE FUNCTION tokengate_refresh_shared(p_jti varchar, p_user_id varchar, p_iat timestamptz, p_exp timestamptz,
        p_user_active boolean, p_password_fp text, p_now timestamptz, p_next_jti varchar, p_next_exp timestamptz,
        p_retire boolean, p_access_jti varchar, p_access_exp timestamptz, p_revoke_access boolean,
        p_simplejwt boolean, p_token text, p_next_token text, p_user_pk bigint,
        OUT outcome text, OUT revoked integer)
    LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
    r       record;
BEGIN
    IF p_simplejwt AND tokengate_simplejwt_blacklisted(p_jti) THEN
        PERFORM tokengate_blacklist(p_jti, p_user_id, p_iat, p_exp, false);
    END IF;
    changed := p_password_fp IS NOT NULL AND EXISTS (SELECT 1 FROM tokengate_outstanding_token
        WHERE jti = p_jti AND password_fp IS NOT NULL AND password_fp <> p_password_fp);
    r := tokengate_refresh(p_jti, p_user_id, p_iat, p_exp, p_user_active AND NOT changed, p_now, p_next_jti,
        p_next_exp, p_retire, p_access_jti, p_access_exp, p_revoke_access);
    outcome := CASE WHEN r.outcome = 'inactive' AND changed AND p_user_active THEN 'password' ELSE r.outcome END;
    revoked := r.revoked;
    IF outcome = 'success' THEN
        -- a token first seen here (minted by Simple JWT, or before this migration) takes the current hash
        UPDATE tokengate_outstanding_token SET password_fp = p_password_fp
        WHERE jti IN (p_jti, p_next_jti) AND password_fp IS NULL;
        IF p_simplejwt AND p_next_jti IS NOT NULL THEN
            IF p_retire THEN
                PERFORM tokengate_simplejwt_blacklist(p_jti, p_token, p_user_pk, p_iat, p_exp);
            END IF;
            PERFORM tokengate_simplejwt_outstand(p_next_jti, p_next_token, p_user_pk, p_now, p_next_exp);
        END IF;
    ELSIF outcome = 'reuse' AND p_simplejwt THEN
        PERFORM tokengate_simplejwt_blacklist(p_jti, p_token, p_user_pk, p_iat, p_exp);
        INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
        SELECT d.id, now() FROM token_blacklist_outstandingtoken d
        JOIN tokengate_outstanding_token t ON t.jti = d.jti
        WHERE t.family = (SELECT family FROM tokengate_outstanding_token WHERE jti = p_jti)
        ON CONFLICT (token_id) DO NOTHING;
    END IF;
END
$$;

-- tokengate_blacklist, and with p_simplejwt the same in Simple JWT's tables. False (a 401) when
-- either side had already blacklisted it.
CREATE FUNCTION tokengate_blacklist_shared(p_jti varchar, p_user_id varchar, p_iat timestamptz, p_exp timestamptz,
        p_revoke_access boolean, p_simplejwt boolean, p_token text, p_user_pk bigint)
    RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    theirs boolean := p_simplejwt AND tokengate_simplejwt_blacklisted(p_jti);
    ours   boolean;
BEGIN
    ours := tokengate_blacklist(p_jti, p_user_id, p_iat, p_exp, p_revoke_access);
    IF p_simplejwt THEN
        PERFORM tokengate_simplejwt_blacklist(p_jti, p_token, p_user_pk, p_iat, p_exp);
    END IF;
    RETURN ours AND NOT theirs;
END
$$;
