namespace InternS1.Batch.Cli.Tests.Dashboard;

/// <summary>
/// Known rows for the dashboard tests, times relative to <c>now()</c>. Dataset <c>screen</c>: started an hour ago;
/// ten succeeded jobs (s1..s10) ended 1, 2, 2m10s, 3, 7, 8, 8m20s, 12, 20 and 40 minutes ago; three dead letters
/// (4, 9 and 15 minutes ago: two invalid_sampling, one media_unreadable); two cancelled (1 minute ago); four queued and
/// one running. In the last 5 minutes: s1..s4 and the first dead letter = 5 jobs -> 1.0 jobs/min; completion tokens
/// 20 + 40 + 60 + 80 = 200 -> 200 / 300 s = 0.7 tokens/s; 5 pending -> ETA 5 minutes. Dataset <c>other</c>: one job, done.
/// </summary>
internal static class DashboardSeed
{
    public const string Sql = """
        INSERT INTO datasets (name, created_at) VALUES ('screen', now() - interval '2 hours'), ('other', now() - interval '3 hours');
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at)
        SELECT 's' || k, 'screen', 'c-s' || k, 'succeeded', 1, 0, '{}', now() - interval '2 hours', now() - interval '1 hour', now() - ago
        FROM (VALUES (1, interval '10 seconds'), (2, interval '20 seconds'), (3, interval '30 seconds'), (4, interval '40 seconds'),
                     (5, interval '7 minutes'), (6, interval '8 minutes'), (7, interval '8 minutes 20 seconds'), (8, interval '12 minutes'),
                     (9, interval '20 minutes'), (10, interval '40 minutes')) AS t(k, ago);
        INSERT INTO results (job_id, content, tool_calls, finish_reason, model, seed, created_at)
        SELECT id, 'answer ' || id, '[]', 'stop', 'tiny', 1, finished_at FROM jobs WHERE dataset = 'screen';
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms, created_at)
        SELECT 's' || k, 300 + k, CASE WHEN k <= 3 THEN 256 ELSE 0 END, CASE WHEN k = 10 THEN 64 ELSE 0 END, 10 * k, 20 * k, 3 * k,
               1.5 * k, 11.25 * k, 101.75 * k, now() - interval '1 minute'
        FROM generate_series(1, 10) AS k;
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at) VALUES
          ('d1', 'screen', 'c-d1', 'dead_lettered', 1, 0, '{"job_id":"d1"}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '50 seconds'),
          ('d2', 'screen', 'c-d2', 'dead_lettered', 1, 0, '{"job_id":"d2"}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '9 minutes'),
          ('d3', 'screen', 'c-d3', 'dead_lettered', 1, 0, '{"job_id":"d3"}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '15 minutes'),
          ('x1', 'screen', 'c-x1', 'cancelled', 0, 0, '{}', now() - interval '2 hours', NULL, now() - interval '1 minute'),
          ('x2', 'screen', 'c-x2', 'cancelled', 1, 0, '{}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '1 minute'),
          ('q1', 'screen', 'c-q1', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('q2', 'screen', 'c-q2', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('q3', 'screen', 'c-q3', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('q4', 'screen', 'c-q4', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('r1', 'screen', 'c-r1', 'running', 1, 0, '{}', now() - interval '2 hours', now() - interval '30 seconds', NULL),
          ('o1', 'other', 'c-o1', 'succeeded', 1, 0, '{}', now() - interval '3 hours', now() - interval '3 hours', now() - interval '150 minutes');
        INSERT INTO cancellations (dataset, requested_by, requested_at, jobs_cancelled) VALUES ('screen', 'tester@lab', now() - interval '1 minute', 2);
        INSERT INTO results (job_id, content, tool_calls, finish_reason, model, seed, created_at)
          VALUES ('o1', 'other answer', '[]', 'stop', 'tiny', 2, now() - interval '150 minutes');
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms)
          VALUES ('o1', 7, 0, 0, 0, 5, 0, 1, 2, 3);
        INSERT INTO dead_letters (job_id, dataset, custom_id, reason_code, message, exception, payload, attempts, source, created_at) VALUES
          ('d1', 'screen', 'c-d1', 'invalid_sampling', 'sampling.top_p: 1.5 is not in (0, 1]', 'SECRET-EXCEPTION-TEXT', '{"job_id":"d1","secret":"SECRET-PAYLOAD"}', 1, 'consumer', now() - interval '50 seconds'),
          ('d2', 'screen', 'c-d2', 'invalid_sampling', 'sampling.temperature: -1 is not in [0, 2]', NULL, '{"job_id":"d2"}', 1, 'consumer', now() - interval '9 minutes'),
          ('d3', 'screen', 'c-d3', 'media_unreadable', 'messages[0].content[0].path: ''a.png'' not found', NULL, '{"job_id":"d3"}', 1, 'consumer', now() - interval '15 minutes');
        """;
}
