using InternS1.Batch.Contracts.Failures;

namespace InternS1.Batch.Storage.Entities;

/// <summary>Maps a dead letter's reason code to the job's terminal status.</summary>
public static class FailureStatus
{
    /// <summary><c>failed</c> for faults that may pass on a requeue (engine error, retries exhausted),
    /// <c>expired</c> for a passed deadline, <c>dead_lettered</c> for bad input.</summary>
    public static string For(string reasonCode) => reasonCode switch
    {
        FailureReasons.EngineError or FailureReasons.RetriesExhausted => JobStatus.Failed,
        FailureReasons.DeadlineExpired => JobStatus.Expired,
        _ => JobStatus.DeadLettered,
    };
}
