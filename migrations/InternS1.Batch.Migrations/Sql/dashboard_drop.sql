-- Down of DashboardViewsAndRole: the views go, the role keeps existing (other databases may use it)
-- but loses its rights here.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM interns1_dashboard;
REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM interns1_dashboard;
REVOKE USAGE ON SCHEMA public FROM interns1_dashboard;
DROP VIEW IF EXISTS failures_by_reason;
DROP VIEW IF EXISTS latency_percentiles;
DROP VIEW IF EXISTS tokens_per_dataset_day;
DROP VIEW IF EXISTS throughput_per_hour;
DROP VIEW IF EXISTS throughput_per_minute;
DROP VIEW IF EXISTS dataset_progress;
