namespace InternS1.Batch.Worker.Options;

/// <summary>
/// How many jobs the worker holds at once, derived from the scheduler's limits: enough that the
/// scheduler always has waiting jobs to admit when a sequence finishes (<c>Engine:MaxNumSeqs</c>
/// running + <see cref="EngineHostOptions.WaitingMargin"/>), no more, so the broker keeps the rest for
/// other workers and unacked deliveries stay few. Used unless <c>Worker:ConcurrentMessageLimit</c> /
/// <c>Worker:PrefetchCount</c> are set.
/// </summary>
/// <param name="ConcurrentMessageLimit">MassTransit <c>ConcurrentMessageLimit</c>.</param>
/// <param name="PrefetchCount">RabbitMQ prefetch (equal to the concurrency: nothing idles in the client buffer).</param>
public sealed record ConsumerConcurrency(int ConcurrentMessageLimit, int PrefetchCount)
{
    /// <summary>MaxNumSeqs + WaitingMargin for both values.</summary>
    public static ConsumerConcurrency From(int maxNumSeqs, EngineHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limit = checked(maxNumSeqs + options.WaitingMargin);
        return new ConsumerConcurrency(limit, limit);
    }
}
