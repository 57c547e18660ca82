using InternS1.Batch.Contracts.Failures;
using InternS1.Engine.Requests;

namespace InternS1.Batch.Worker.Execution;

/// <summary>The one place where the engine's typed <see cref="RejectionReason"/> becomes a dead-letter
/// reason code of <see cref="FailureReasons"/> (the engine knows nothing of the service's vocabulary).</summary>
public static class EngineRejections
{
    /// <summary>The <see cref="FailureReasons"/> code of <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value this mapping does not know (a test keeps it total).</exception>
    public static string ToFailureReason(RejectionReason reason) => reason switch
    {
        RejectionReason.PromptTooLong => FailureReasons.PromptTooLong,
        RejectionReason.InvalidField => FailureReasons.InvalidField,
        RejectionReason.InvalidSampling => FailureReasons.InvalidSampling,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "no dead-letter reason code for this engine rejection"),
    };
}
