using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace InternS1.Batch.Storage.Writing;

/// <summary>
/// Group commit of results and dead letters. Callers hand over one record each and await a task that
/// completes after the transaction holding it committed. The writer takes up to
/// <see cref="StorageOptions.WriteBatchSize"/> of the records queued (those that arrived while the previous group
/// committed), waits <see cref="StorageOptions.WriteBatchWindow"/> after the first for more when that is set (default:
/// no wait), and writes them in one transaction and one round trip with <c>INSERT ... ON CONFLICT DO NOTHING</c>
/// (exactly one result per job id comes from the key, not from a prior read), and retries the whole
/// transaction on transient database errors with exponential backoff and jitter (Polly).
/// A group that fails for a non-transient reason is retried record by record, so one bad record
/// fails only its own caller. A group whose retries run out on a transient fault (the database is down) is kept
/// and tried again every <see cref="StorageOptions.WriteRetryMaxDelay"/> until it commits or the writer stops.
/// </summary>
public sealed class ResultWriter : BackgroundService
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource _dataSource;
    private readonly StorageOptions _options;
    private readonly ILogger<ResultWriter> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _abort = new();
    private long _groups;
    private long _records;

    public ResultWriter(NpgsqlDataSource dataSource, IOptions<StorageOptions> options, ILogger<ResultWriter> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientDatabaseErrors.IsTransient),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxRetryAttempts = Math.Max(1, _options.WriteRetryAttempts),
                Delay = _options.WriteRetryBaseDelay,
                MaxDelay = _options.WriteRetryMaxDelay,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } fault)
                        WriteFailed?.Invoke(fault);
                    _logger.LogWarning(args.Outcome.Exception, "Result write failed (attempt {Attempt}); retrying in {Delay}",
                        args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        if (_options.WriteRetryAttempts == 0)
            _retry = ResiliencePipeline.Empty;
    }

    /// <summary>Transactions committed so far (for metrics, tests and the benchmark).</summary>
    public long GroupsCommitted => Interlocked.Read(ref _groups);

    /// <summary>Records (results + dead letters) in committed transactions so far.</summary>
    public long RecordsCommitted => Interlocked.Read(ref _records);

    /// <summary>Called after every committed group with its size.</summary>
    public event Action<int>? GroupCommitted;

    /// <summary>Called with the fault each time a group write fails transiently (the worker pauses its intake on a
    /// database connection fault).</summary>
    public event Action<Exception>? WriteFailed;

    /// <summary>Writes a job's result and token usage and marks the job succeeded. Completes after the
    /// commit; true if this call inserted the row, false if the job already had a result.</summary>
    public Task<bool> WriteResultAsync(ResultRecord record, CancellationToken cancellationToken = default)
        => EnqueueAsync(new PendingWrite(record, null), cancellationToken);

    /// <summary>Writes a dead letter (unless the job already has a result or an open dead letter) and
    /// marks the job with the record's final status. Completes after the commit; true if inserted.</summary>
    public Task<bool> WriteDeadLetterAsync(DeadLetterRecord record, CancellationToken cancellationToken = default)
        => EnqueueAsync(new PendingWrite(null, record), cancellationToken);

    private async Task<bool> EnqueueAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(write))
            throw new InvalidOperationException("The result writer has stopped; the message will be redelivered.");
        // NOTE: cancelling the wait does not withdraw the record: it is committed anyway, which is harmless
        // (idempotent) and keeps the finished work.
        return await write.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<PendingWrite>(_options.WriteBatchSize);
        var reader = _queue.Reader;
        // Reads ignore stoppingToken: on stop the channel is completed and the writer drains it.
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _options.WriteBatchSize && reader.TryRead(out var item))
                group.Add(item);
            if (group.Count < _options.WriteBatchSize && _options.WriteBatchWindow > TimeSpan.Zero)
                await CollectMoreAsync(reader, group).ConfigureAwait(false);
            await FlushAsync(group).ConfigureAwait(false);
        }
    }

    private async Task CollectMoreAsync(ChannelReader<PendingWrite> reader, List<PendingWrite> group)
    {
        using var window = new CancellationTokenSource(_options.WriteBatchWindow);
        try
        {
            while (group.Count < _options.WriteBatchSize && await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                while (group.Count < _options.WriteBatchSize && reader.TryRead(out var item))
                    group.Add(item);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(List<PendingWrite> group)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var inserted = await _retry.ExecuteAsync(
                    async ct => await ResultWriterSql.WriteGroupAsync(_dataSource, group, ct).ConfigureAwait(false),
                    _abort.Token).ConfigureAwait(false);
                Committed(group, inserted);
                _logger.LogDebug("Committed {Count} records in {Elapsed} ms", group.Count, sw.ElapsedMilliseconds);
                return;
            }
            catch (Exception ex) when (TransientDatabaseErrors.IsTransient(ex) && !_abort.IsCancellationRequested)
            {
                // NOTE: the retries ran out while the database is still unreachable: the group is kept and written when it
                // is back (the work behind it is done; failing the callers would run their jobs again or exhaust their
                // retries). Only a stop that runs out of time gives up on it (the messages are then redelivered).
                WriteFailed?.Invoke(ex);
                _logger.LogWarning("Write of {Count} records failed ({Reason}); keeping them and trying again in {Delay}",
                    group.Count, ex.Message, KeepRetryDelay);
                try
                {
                    await Task.Delay(KeepRetryDelay, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Fail(group, ex);
                    return;
                }
            }
            catch (Exception ex) when (group.Count > 1 && !TransientDatabaseErrors.IsTransient(ex) && ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Group write of {Count} records failed; writing them one by one", group.Count);
                foreach (var single in group)
                    await FlushAsync([single]).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                Fail(group, ex);
                return;
            }
        }
    }

    private TimeSpan KeepRetryDelay => _options.WriteRetryMaxDelay > TimeSpan.FromMilliseconds(100) ? _options.WriteRetryMaxDelay : TimeSpan.FromMilliseconds(100);

    private void Fail(List<PendingWrite> group, Exception ex)
    {
        _logger.LogError(ex, "Write of {Count} records failed", group.Count);
        foreach (var w in group)
            w.Completion.TrySetException(ex);
    }

    private void Committed(List<PendingWrite> group, HashSet<string> inserted)
    {
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _records, group.Count);
        GroupCommitted?.Invoke(group.Count);
        foreach (var w in group)
            w.Completion.TrySetResult(inserted.Remove(w.Key));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await using var _ = cancellationToken.Register(() => _abort.Cancel());
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <summary>One record waiting for its group's commit.</summary>
    internal sealed class PendingWrite(ResultRecord? result, DeadLetterRecord? deadLetter)
    {
        public ResultRecord? Result { get; } = result;
        public DeadLetterRecord? DeadLetter { get; } = deadLetter;
        public string Key { get; } = result is not null ? "r:" + result.JobId : "d:" + deadLetter!.JobId;
        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
