using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Execution;

namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>The benchmark's stand-in for the engine: answers every job at once with a fixed completion,
/// so the benchmark measures the pipeline (broker, consumer, bookkeeping, result writes) alone.
/// It exists only inside <c>interns1 bench pipeline</c>; the worker never selects it.</summary>
internal sealed class InstantBenchExecutor : IPromptJobExecutor
{
    private long _firstCallTicks;

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the first call (0 before it).</summary>
    public long FirstCallTimestamp => Interlocked.Read(ref _firstCallTicks);

    public Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _firstCallTicks, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
        return Task.FromResult<JobOutcome>(new JobOutcome.Completed(new JobCompletion
        {
            Content = "ok",
            FinishReason = "stop",
            Model = "bench-instant",
            Seed = job.Sampling?.Seed ?? 0,
            Usage = new TokenUsageInfo { PromptTokens = 16, CompletionTokens = 2 },
        }));
    }
}
