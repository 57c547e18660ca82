namespace InternS1.Engine.Configuration;

/// <summary>
/// How many jobs the worker should hold at once, derived from the scheduler's limits: enough that
/// the scheduler always has waiting jobs to admit when a sequence finishes (MaxNumSeqs running +
/// a waiting margin), no more, so the broker keeps the rest for other workers and unacked
/// deliveries stay few. Used by the consumer definition.
/// </summary>
/// <param name="ConcurrentMessageLimit">MassTransit <c>ConcurrentMessageLimit</c>.</param>
/// <param name="PrefetchCount">RabbitMQ prefetch (equal to the concurrency: nothing idles in the client buffer).</param>
public sealed record ConsumerConcurrency(int ConcurrentMessageLimit, int PrefetchCount)
{
    /// <summary>MaxNumSeqs + WaitingMargin for both values.</summary>
    public static ConsumerConcurrency From(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limit = checked(options.MaxNumSeqs + options.WaitingMargin);
        return new ConsumerConcurrency(limit, limit);
    }
}
