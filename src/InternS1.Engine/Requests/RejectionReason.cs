namespace InternS1.Engine.Requests;

/// <summary>Why the engine refused a request before it reached the model (<see cref="RequestRejectedException.Reason"/>).
/// The worker maps each value to its dead-letter reason code in one place.</summary>
public enum RejectionReason
{
    /// <summary>The prompt does not fit the model context or the KV cache.</summary>
    PromptTooLong,

    /// <summary>A field of the request is missing or invalid (the message names it), or its id is already running.</summary>
    InvalidField,

    /// <summary>A sampling value is out of range (the message names it).</summary>
    InvalidSampling,
}
