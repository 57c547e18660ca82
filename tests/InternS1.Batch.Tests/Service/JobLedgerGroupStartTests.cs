using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Tests.Harness;
using InternS1.Batch.Tests.Infrastructure;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

/// <summary>
/// Starts asked for while another start is being written go to PostgreSQL together, as one group (one round trip),
/// and each caller gets the answer the single start gives: started (attempts, crashes), already ended, identity
/// conflict, duplicate custom_id. The first start is held on a row lock taken by the test, so the others queue behind
/// it deterministically and the groups are counted exactly.
/// </summary>
[Trait("Category", "Service")]
public class JobLedgerGroupStartTests(ScratchDatabase db) : IClassFixture<ScratchDatabase>
{
    private const string HashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string HashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static JobAdmission Job(string dataset, string id, string customId, string hash = HashA, string owner = "me") => new()
    {
        JobId = id, Dataset = dataset, CustomId = customId, PayloadJson = $$"""{"job_id":"{{id}}"}""", PayloadHash = hash, AttemptOwner = owner,
    };

    /// <summary>Holds the row of <paramref name="jobId"/> locked until disposed, and starts it on <paramref name="ledger"/>
    /// (the start waits on the lock); returns once PostgreSQL reports that start waiting.</summary>
    private async Task<(NpgsqlConnection Lock, Task<JobStart> Start)> HoldFirstStartAsync(JobLedger ledger, string dataset, string jobId)
    {
        var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"BEGIN; SELECT 1 FROM jobs WHERE id = '{jobId}' FOR UPDATE", connection))
            await cmd.ExecuteNonQueryAsync();
        var start = ledger.BeginAsync(Job(dataset, jobId, "c-" + jobId), default);
        while (await db.CountAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
            await Task.Delay(20);
        return (connection, start);
    }

    [Fact]
    public async Task Starts_queued_behind_one_in_flight_go_as_one_group_and_each_gets_the_single_start_answer()
    {
        await Database.ExecuteAsync(db.ConnectionString, $"""
            INSERT INTO datasets (name) VALUES ('grp');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, crashes, attempt_owner, priority, payload, payload_hash) VALUES
                ('g-blocker', 'grp', 'c-g-blocker', 'queued', 0, 0, NULL, 0, '{"{"}{"}"}', '{HashA}'),
                ('g-done',    'grp', 'c-g-done',    'succeeded', 1, 0, 'me', 0, '{"{"}{"}"}', '{HashA}'),
                ('g-crashed', 'grp', 'c-g-crashed', 'running', 3, 1, 'dead-worker', 0, '{"{"}{"}"}', '{HashA}'),
                ('g-other',   'grp', 'c-g-other',   'queued', 0, 0, NULL, 0, '{"{"}{"}"}', '{HashA}');
            """);
        await using var source = NpgsqlDataSource.Create(db.ConnectionString);
        var ledger = new JobLedger(source);
        var (hold, blocker) = await HoldFirstStartAsync(ledger, "grp", "g-blocker");

        var queued = new[]
        {
            ledger.BeginAsync(Job("grp", "g-new-1", "c-g-new-1"), default),
            ledger.BeginAsync(Job("grp", "g-done", "c-g-done"), default),
            ledger.BeginAsync(Job("grp", "g-crashed", "c-g-crashed"), default),
            ledger.BeginAsync(Job("grp", "g-other", "c-g-other", hash: HashB), default), // same id, other content
            ledger.BeginAsync(Job("grp-new", "g-new-2", "c-g-new-2"), default),          // a dataset that does not exist yet
        };
        await hold.DisposeAsync();
        var answers = await Task.WhenAll(queued);

        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), await blocker);
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), answers[0]);
        Assert.Equal(new JobStart(JobStartKind.AlreadyFinished, "succeeded", 1), answers[1]);
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 4, Crashes: 2), answers[2]);
        Assert.Equal(new JobStart(JobStartKind.IdentityConflict, "queued", 0), answers[3]);
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), answers[4]);
        Assert.Equal(2, ledger.StartGroupsWritten); // the held start alone, then the five queued behind it together

        var rows = await Database.RowsAsync(db.ConnectionString,
            "SELECT id, dataset, status, attempts, crashes, attempt_owner, payload_hash FROM jobs WHERE id LIKE 'g-%' ORDER BY id");
        Assert.Equal(new object?[] { "g-blocker", "grp", "running", 1, 0, "me", HashA }, rows[0]);
        Assert.Equal(new object?[] { "g-crashed", "grp", "running", 4, 2, "me", HashA }, rows[1]);
        Assert.Equal(new object?[] { "g-done", "grp", "succeeded", 1, 0, "me", HashA }, rows[2]);
        Assert.Equal(new object?[] { "g-new-1", "grp", "running", 1, 0, "me", HashA }, rows[3]);
        Assert.Equal(new object?[] { "g-new-2", "grp-new", "running", 1, 0, "me", HashA }, rows[4]);
        Assert.Equal(new object?[] { "g-other", "grp", "queued", 0, 0, null, HashA }, rows[5]);
    }

    [Fact]
    public async Task A_custom_id_taken_inside_a_group_fails_only_its_own_start()
    {
        await Database.ExecuteAsync(db.ConnectionString, """
            INSERT INTO datasets (name) VALUES ('dup');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload) VALUES ('d-blocker', 'dup', 'c-d-blocker', 'queued', 0, 0, '{}');
            """);
        await using var source = NpgsqlDataSource.Create(db.ConnectionString);
        var ledger = new JobLedger(source);
        var (hold, blocker) = await HoldFirstStartAsync(ledger, "dup", "d-blocker");

        var first = ledger.BeginAsync(Job("dup", "d-first", "c-shared"), default);
        var second = ledger.BeginAsync(Job("dup", "d-second", "c-shared"), default);
        var third = ledger.BeginAsync(Job("dup", "d-third", "c-d-third"), default);
        await hold.DisposeAsync();

        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), await blocker);
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), await first);
        Assert.Equal(new JobStart(JobStartKind.DuplicateCustomId, "dead_lettered", 1, "d-first"), await second);
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), await third);
        var rows = await Database.RowsAsync(db.ConnectionString, "SELECT id, status FROM jobs WHERE dataset = 'dup' ORDER BY id");
        Assert.Equal(["d-blocker running", "d-first running", "d-second dead_lettered", "d-third running"], rows.Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task A_start_whose_caller_stopped_waiting_is_released_so_the_next_delivery_counts_no_crash()
    {
        await Database.ExecuteAsync(db.ConnectionString, """
            INSERT INTO datasets (name) VALUES ('gone');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload) VALUES ('a-blocker', 'gone', 'c-a-blocker', 'queued', 0, 0, '{}');
            """);
        await using var source = NpgsqlDataSource.Create(db.ConnectionString);
        var ledger = new JobLedger(source);
        var (hold, blocker) = await HoldFirstStartAsync(ledger, "gone", "a-blocker");

        using var shutdown = new CancellationTokenSource();
        var abandoned = ledger.BeginAsync(Job("gone", "a-left", "c-a-left"), shutdown.Token);
        var kept = ledger.BeginAsync(Job("gone", "a-kept", "c-a-kept"), default);
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await hold.DisposeAsync();
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 1), await kept);
        await blocker;

        // The group wrote the abandoned start (attempts 1), then cleared its owner before the ledger writes anything else;
        // a later delivery by another worker therefore counts no crash.
        var next = await ledger.BeginAsync(Job("gone", "a-left", "c-a-left", owner: "another"), default);
        Assert.Equal(new JobStart(JobStartKind.Started, "running", 2, Crashes: 0), next);
    }
}
