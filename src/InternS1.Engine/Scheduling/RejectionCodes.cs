namespace InternS1.Engine.Scheduling;

/// <summary>Stable <see cref="Requests.RequestRejectedException.Code"/> values; they equal the
/// dead-letter reason codes of the same name in InternS1.Batch.Contracts.Failures.FailureReasons.</summary>
public static class RejectionCodes
{
    /// <summary>The prompt does not fit the model context or the KV cache.</summary>
    public const string PromptTooLong = "prompt_too_long";

    /// <summary>A field of the request is missing or invalid (message names it).</summary>
    public const string InvalidField = "invalid_field";

    /// <summary>A sampling value is out of range.</summary>
    public const string InvalidSampling = "invalid_sampling";
}
