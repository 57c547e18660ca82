using System.Collections.Concurrent;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// The job ids this worker process is executing. A second delivery of a job that is already running here
/// (the same job published twice) waits for the first to end and then finds it ended, instead of computing
/// it again. Across worker processes the unique keys still guarantee one result row; a duplicate that
/// lands on another worker at the same moment may be computed twice (its result is discarded).
/// </summary>
public sealed class InFlightJobs
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="jobId"/>, first waiting for any execution of it in this process to end.
    /// Dispose the returned handle when the delivery is done.</summary>
    public async Task<IDisposable> ClaimAsync(string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running.TryAdd(jobId, done.Task))
                return new Claim(this, jobId, done);
            if (_running.TryGetValue(jobId, out var other))
                await other.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Claim(InFlightJobs owner, string jobId, TaskCompletionSource done) : IDisposable
    {
        public void Dispose()
        {
            owner._running.TryRemove(new KeyValuePair<string, Task>(jobId, done.Task));
            done.TrySetResult();
        }
    }
}
