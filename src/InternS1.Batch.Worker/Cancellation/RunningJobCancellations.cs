using System.Collections.Concurrent;
using InternS1.Batch.Contracts.Jobs;

namespace InternS1.Batch.Worker.Cancellation;

/// <summary>
/// The jobs this worker process is running, each with its own <see cref="CancellationTokenSource"/> linked to the
/// delivery's (shutdown) token. A <see cref="CancelJobs"/> broadcast fires the sources of the jobs it names, which
/// aborts their executor calls (the local engine aborts the request and frees its KV blocks; the remote engine
/// aborts its HTTP request). A scope tells a cancel (<see cref="JobCancellationScope.IsCancelled"/>: acknowledge the
/// message, the job stays <c>cancelled</c>) from a shutdown (the message goes back to the queue).
/// </summary>
public sealed class RunningJobCancellations
{
    private readonly ConcurrentDictionary<long, JobCancellationScope> _running = new();
    private long _next;

    /// <summary>Jobs registered now.</summary>
    public int Count => _running.Count;

    /// <summary>Registers a job for the duration of its delivery; dispose the scope when the delivery ends.</summary>
    public JobCancellationScope Register(string jobId, string dataset, CancellationToken deliveryToken)
    {
        var key = Interlocked.Increment(ref _next);
        var scope = new JobCancellationScope(jobId, dataset, deliveryToken, () => _running.TryRemove(key, out _));
        _running[key] = scope;
        return scope;
    }

    /// <summary>Fires the tokens of the running jobs that <paramref name="command"/> names; returns how many.</summary>
    public int Cancel(CancelJobs command)
    {
        var cancelled = 0;
        foreach (var scope in _running.Values)
        {
            if (command.Matches(scope.JobId, scope.Dataset) && scope.Cancel())
                cancelled++;
        }
        return cancelled;
    }
}
