-- The Grafana login: a member of the read-only role interns1_dashboard (created by `interns1 migrate`).
-- Run as a role administrator (the PostgreSQL superuser; the owner role has no CREATEROLE) after the migration, with psql variables for the name and the password:
--   psql -v ON_ERROR_STOP=1 -v login=grafana -v password='...' -f ops/grafana/grafana-login.sql
-- Idempotent: a second run sets the password again. docker-compose.yml runs it (service grafana-login).
SELECT format('CREATE ROLE %I LOGIN IN ROLE interns1_dashboard', :'login')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'login') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'login', :'password') \gexec
SELECT format('GRANT interns1_dashboard TO %I', :'login') \gexec
