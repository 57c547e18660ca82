-- The PostgreSQL roles of InternS1.Batch, created by a database administrator (a superuser): run by
-- ops/services.sh and by docker-compose's initdb script (ops/postgres/initdb.sh); on your own server:
--   psql -U postgres -v owner=interns1 -v owner_password=... -v owner_createdb=false \
--        -v worker=interns1_worker -v worker_password=... -v database=interns1 -f ops/postgres/roles.sql
-- Idempotent: it creates what is missing and resets the attributes and passwords of what exists.
--
--   owner (LOGIN)            owns the database and every table and view: `interns1 migrate` connects as it
--                            (ConnectionStrings:PostgresOwner). No SUPERUSER, no CREATEROLE (on PostgreSQL 15
--                            CREATEROLE can grant itself pg_execute_server_program); CREATEDB only where tests
--                            and `interns1 bench pipeline` make scratch databases (owner_createdb=true).
--   worker (LOGIN)           the worker and the producer-side commands (ConnectionStrings:Postgres): member of
--                            interns1_app only; owns nothing, creates nothing.
--   interns1_app             (NOLOGIN) SELECT/INSERT/UPDATE/DELETE on the tables (granted by the migrations).
--   interns1_dashboard       (NOLOGIN) SELECT on the dashboard views only: no payloads, media or exception text.
--   interns1_payload_reader  (NOLOGIN) SELECT on every table, payloads included: grant it to people who need it.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I NOLOGIN', r)
FROM unnest(ARRAY['interns1_app', 'interns1_dashboard', 'interns1_payload_reader']) AS r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
-- NOTE: altered only when an attribute is wrong, so a second run writes nothing (two runs at once cannot collide).
SELECT format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', rolname)
FROM pg_roles
WHERE rolname IN ('interns1_app', 'interns1_dashboard', 'interns1_payload_reader')
  AND (rolcanlogin OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) \gexec

SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS %s PASSWORD %L',
              :'owner', CASE WHEN :'owner_createdb'::boolean THEN 'CREATEDB' ELSE 'NOCREATEDB' END, :'owner_password') \gexec

SELECT format('CREATE ROLE %I LOGIN', :'worker') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'worker') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'worker', :'worker_password') \gexec

-- Memberships: the worker is in interns1_app and nothing else; the owner is in no role (a membership granted
-- earlier, e.g. pg_execute_server_program or pg_read_server_files, is revoked).
SELECT format('REVOKE %I FROM %I', g.rolname, u.rolname)
FROM pg_auth_members m
JOIN pg_roles g ON g.oid = m.roleid
JOIN pg_roles u ON u.oid = m.member
WHERE (u.rolname = :'worker' AND g.rolname <> 'interns1_app') OR u.rolname = :'owner' \gexec
SELECT format('GRANT interns1_app TO %I', :'worker')
WHERE NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                  WHERE g.rolname = 'interns1_app' AND u.rolname = :'worker') \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'database', :'owner') \gexec
