-- Down of LeastPrivilegeRoles: the grants of DashboardViewsAndRole again (the dashboard reads every table);
-- the roles keep existing (other databases may use them) but lose their rights here.
DROP VIEW IF EXISTS dashboard_dead_letters;
DROP VIEW IF EXISTS dashboard_results;
DROP VIEW IF EXISTS dashboard_jobs;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM interns1_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM interns1_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM interns1_payload_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM interns1_app, interns1_payload_reader;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM interns1_app;
REVOKE USAGE ON SCHEMA public FROM interns1_app, interns1_payload_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO interns1_dashboard;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO interns1_dashboard;
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM interns1_app, interns1_payload_reader', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$$;
