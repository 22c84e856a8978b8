-- When a user is deactivated, deleted or gets a new password (however it happens: tokengate's CLI,
-- Django's admin, plain SQL), every token issued to them before now is revoked and every gateway
-- instance hears of it at once. A password re-hash on login (same password, new iterations) sets
-- tokengate.hash_upgrade and is not a change.
CREATE OR REPLACE FUNCTION tokengate_user_changed() RETURNS trigger AS $$
DECLARE
    why  text;
    uid  text;
    nb   bigint := floor(extract(epoch FROM clock_timestamp()))::bigint + 1;
BEGIN
    IF TG_OP = 'DELETE' THEN
        why := 'deleted';
        uid := OLD.${user_id_field}::text;
    ELSIF OLD.is_active AND NOT NEW.is_active THEN
        why := 'inactive';
        uid := NEW.${user_id_field}::text;
    ELSIF OLD.password IS DISTINCT FROM NEW.password
          AND coalesce(current_setting('tokengate.hash_upgrade', true), '') <> 'on' THEN
        why := 'password';
        uid := NEW.${user_id_field}::text;
    ELSE
        RETURN NULL;
    END IF;
    INSERT INTO tokengate_revocation (kind, value, reason, not_before, expires_at)
    VALUES ('user', uid, why, nb, now() + interval '7 days');
    PERFORM pg_notify('tokengate_revocation',
        json_build_object('kind', 'user', 'value', uid, 'reason', why, 'not_before', nb,
                          'expires', floor(extract(epoch FROM now() + interval '7 days'))::bigint)::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS tokengate_user_changed ON ${users_table};
CREATE TRIGGER tokengate_user_changed
    AFTER UPDATE OF is_active, password OR DELETE ON ${users_table}
    FOR EACH ROW EXECUTE FUNCTION tokengate_user_changed();
