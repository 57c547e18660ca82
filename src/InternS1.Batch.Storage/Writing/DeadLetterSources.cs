namespace InternS1.Batch.Storage.Writing;

/// <summary>Values of <c>dead_letters.source</c>.</summary>
public static class DeadLetterSources
{
    /// <summary>Recorded by the job consumer (rejected input, expired deadline).</summary>
    public const string Consumer = "consumer";

    /// <summary>Drained from the RabbitMQ <c>_error</c> queue (unreadable messages, retries exhausted, unexpected faults).</summary>
    public const string ErrorQueue = "error_queue";

    /// <summary>Drained from the RabbitMQ <c>_skipped</c> queue (a message type the worker does not handle).</summary>
    public const string SkippedQueue = "skipped_queue";
}
