#!/bin/sh
# docker-compose: creates the InternS1.Batch roles on the first start of the postgres container (mounted into
# /docker-entrypoint-initdb.d; the image runs it once, as POSTGRES_USER, when the data volume is empty).
# ops/postgres/roles.sql says what each role may do. Environment (docker-compose.yml sets it):
#   INTERNS1_PG_OWNER / INTERNS1_PG_OWNER_PASSWORD, INTERNS1_PG_WORKER / INTERNS1_PG_WORKER_PASSWORD,
#   INTERNS1_PG_DATABASE
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner="${INTERNS1_PG_OWNER:-interns1}" -v owner_password="${INTERNS1_PG_OWNER_PASSWORD:?}" -v owner_createdb=false \
  -v worker="${INTERNS1_PG_WORKER:-interns1_worker}" -v worker_password="${INTERNS1_PG_WORKER_PASSWORD:?}" \
  -v database="${INTERNS1_PG_DATABASE:-interns1}" -f /interns1/postgres/roles.sql
