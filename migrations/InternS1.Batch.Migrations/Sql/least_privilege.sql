-- Least-privilege grants (migration LeastPrivilegeRoles). Run as the owner role (`interns1 migrate` on
-- ConnectionStrings:PostgresOwner), which owns every table and view and so may grant on them.
--   interns1_app             the worker's group role: the DML it needs on every table, now and later
--   interns1_dashboard       the dashboard views only: no payloads, inline media, result text or exception text
--   interns1_payload_reader  every table and view, payloads included (grant it to the people who need it)
-- The roles are cluster-wide and created by an administrator (ops/postgres/roles.sql, run by ops/services.sh
-- and docker-compose); a migrating role that may create roles creates the missing ones itself.
--
-- A LATER MIGRATION that adds a table needs nothing: the default privileges below give interns1_app its DML
-- and interns1_payload_reader SELECT. One that adds a dashboard view grants it explicitly, in its own SQL file:
--   GRANT SELECT ON my_new_view TO interns1_dashboard;
-- (never a view that shows payload, content or exception columns).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['interns1_app', 'interns1_dashboard', 'interns1_payload_reader'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE EXCEPTION 'role % does not exist and % may not create it', r, current_user
                        USING HINT = 'Create the roles as a database administrator first: ops/services.sh up, or psql -f ops/postgres/roles.sql (README, "Database roles").';
                WHEN duplicate_object OR unique_violation THEN
                    NULL; -- created concurrently by the migration of another database
            END;
        END IF;
    END LOOP;
END
$$;

-- The database: connections only through the roles above (and the owner); no temporary tables for them.
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO interns1_app, interns1_dashboard, interns1_payload_reader', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO interns1_app, interns1_dashboard, interns1_payload_reader;

-- The worker (and the producer-side commands: submit, status, export, dead-letters).
-- NOTE: DELETE is granted with UPDATE (which can already overwrite any row) so that commands that supersede
-- rows keep working; TRUNCATE, REFERENCES and TRIGGER are not, and nothing may create objects.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO interns1_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO interns1_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO interns1_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO interns1_app;
-- The migration history is the owner's: the worker may read it (pending migrations), not change it.
REVOKE INSERT, UPDATE, DELETE ON "__EFMigrationsHistory" FROM interns1_app;

-- Payloads.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO interns1_payload_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO interns1_payload_reader;

-- The dashboard: no longer every table (DashboardViewsAndRole granted them, payloads included), nothing by default.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM interns1_dashboard;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM interns1_dashboard;

-- Row-level views of the tables without payloads, inline media, result text or exception text.
CREATE VIEW dashboard_jobs AS
SELECT id, dataset, custom_id, status, attempts, priority, deadline, created_at, started_at, finished_at
FROM jobs;

CREATE VIEW dashboard_results AS
SELECT r.job_id, j.dataset, r.finish_reason, r.model, r.seed, r.created_at,
       u.prompt_tokens, u.image_tokens, u.video_tokens, u.cached_tokens, u.completion_tokens, u.reasoning_tokens,
       u.queue_ms, u.prefill_ms, u.decode_ms
FROM results r
JOIN jobs j ON j.id = r.job_id
LEFT JOIN token_usage u ON u.job_id = r.job_id;

CREATE VIEW dashboard_dead_letters AS
SELECT id, job_id, dataset, custom_id, reason_code, message, attempts, source, created_at, requeued_at
FROM dead_letters;

-- Every view that exists at this point is a dashboard view (the six of DashboardViewsAndRole, the three above,
-- and any an earlier migration added); later views are granted by their own migration (see the top).
DO $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') LOOP
        EXECUTE format('GRANT SELECT ON %I TO interns1_dashboard', v.relname);
    END LOOP;
END
$$;
