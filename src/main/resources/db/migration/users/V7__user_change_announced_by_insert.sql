-- The users-table trigger of V5, without its own NOTIFY: since V6 every row inserted into
-- tokengate_revocation announces itself (trigger tokengate_revocation_announced), so announcing
-- here too would tell every instance twice.
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
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

