-- A read-only role for dashboard users: SELECT on every table and view of the public schema, now
-- and later. Roles are cluster-wide: give a login to a person or tool with
--   CREATE ROLE grafana LOGIN PASSWORD '...' IN ROLE interns1_dashboard;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'interns1_dashboard') THEN
        CREATE ROLE interns1_dashboard NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- created concurrently by a migration of another database
END
$$;
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO interns1_dashboard', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO interns1_dashboard;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO interns1_dashboard;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO interns1_dashboard;
