using Npgsql;

namespace InternS1.Batch.Storage.Ledger;

/// <summary>
/// Group commit of <see cref="JobLedger.BeginAsync"/>: the starts that concurrent deliveries ask for while one group is
/// in flight are written together as the next group (<see cref="JobBeginGroupSql"/>: one round trip, one commit), so a
/// worker running many jobs at once pays one database commit per group of starts instead of one per job. A start asked
/// for while no group is in flight goes at once, alone, through the single-job path: nothing waits for a window.
/// A caller whose delivery is cancelled stops waiting at once; the start made for it meanwhile is released (its
/// <c>attempt_owner</c> cleared, so the next delivery counts no crash).
/// A group that fails for a non-transient reason (a custom_id taken by another job, or any other error) is retried
/// start by start, so one conflicting job ends only its own start; a transient fault fails every start of the group
/// (each delivery retries, or waits out the database outage). Thread-safe.
/// </summary>
internal sealed class JobBeginGroups(NpgsqlDataSource dataSource)
{
    /// <summary>Most starts written in one group.</summary>
    public const int MaxGroupSize = 256;

    private readonly Lock _lock = new();
    private readonly List<PendingStart> _pending = [];
    private bool _flushing;
    private long _groups;

    /// <summary>Round trips that started jobs so far (a group or a lone start each; for tests).</summary>
    public long GroupsWritten => Interlocked.Read(ref _groups);

    /// <summary>Starts the delivery of <paramref name="job"/>, in a group with the starts asked for meanwhile.</summary>
    public async Task<JobStart> BeginAsync(JobAdmission job, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingStart(job);
        bool lead;
        lock (_lock)
        {
            _pending.Add(pending);
            lead = !_flushing;
            _flushing = true;
        }
        // NOTE: the writes run on a flush loop of their own, never on a caller's token: a caller whose delivery is
        // cancelled stops waiting (and a start made for it is released), while the group it shares goes on for the others.
        if (lead)
            _ = Task.Run(FlushLoopAsync, CancellationToken.None);
        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushLoopAsync()
    {
        do
            await FlushOneAsync().ConfigureAwait(false);
        while (HasMore());
    }

    /// <summary>True when more starts are queued (the caller flushes them); otherwise ends the flushing.</summary>
    private bool HasMore()
    {
        lock (_lock)
        {
            if (_pending.Count > 0)
                return true;
            _flushing = false;
            return false;
        }
    }

    private async Task FlushOneAsync()
    {
        var group = TakeGroup();
        if (group.Count == 0)
            return;
        Interlocked.Increment(ref _groups);
        try
        {
            if (group.Count == 1)
            {
                group[0].Deliver(await JobLedger.BeginOneAsync(dataSource, group[0].Job, CancellationToken.None).ConfigureAwait(false));
                return;
            }
            var starts = await JobBeginGroupSql.BeginAsync(dataSource, group.Select(p => p.Job).ToList(), CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
                group[i].Deliver(starts[i]);
        }
        catch (Exception ex) when (group.Count > 1 && !TransientDatabaseErrors.IsTransient(ex))
        {
            foreach (var single in group)
            {
                try
                {
                    single.Deliver(await JobLedger.BeginOneAsync(dataSource, single.Job, CancellationToken.None).ConfigureAwait(false));
                }
                catch (Exception one)
                {
                    single.Fail(one);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var p in group)
                p.Fail(ex);
        }
        finally
        {
            await ReleaseAbandonedAsync(group).ConfigureAwait(false);
        }
    }

    /// <summary>Takes up to <see cref="MaxGroupSize"/> queued starts with distinct job ids (an upsert cannot touch one row
    /// twice; a second start of the same id waits for the next group).</summary>
    private List<PendingStart> TakeGroup()
    {
        lock (_lock)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var group = new List<PendingStart>(Math.Min(_pending.Count, MaxGroupSize));
            for (var i = 0; i < _pending.Count && group.Count < MaxGroupSize; i++)
            {
                if (ids.Add(_pending[i].Job.JobId))
                {
                    group.Add(_pending[i]);
                    _pending.RemoveAt(i--);
                }
            }
            return group;
        }
    }

    /// <summary>A caller that stopped waiting (its delivery was cancelled) gets no answer, so a start made for it is
    /// marked as ended by this instance, not by a crash (best effort, as the consumer's own release).</summary>
    private async Task ReleaseAbandonedAsync(List<PendingStart> group)
    {
        foreach (var p in group)
        {
            if (!p.AbandonedAfterStart || p.Job.AttemptOwner is not { } owner)
                continue;
            try
            {
                await using var cmd = dataSource.CreateCommand(JobLedger.ReleaseSql);
                cmd.Parameters.AddWithValue("id", p.Job.JobId);
                cmd.Parameters.AddWithValue("owner", owner);
                await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The database may be the reason the caller gave up; the next start then counts a crash, as before grouping.
            }
        }
    }
}
