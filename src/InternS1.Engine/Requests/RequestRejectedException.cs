namespace InternS1.Engine.Requests;

/// <summary>A request that can never run, found at admission before it reaches the model.
/// <see cref="Reason"/> says why; the message names the field and the problem.</summary>
public sealed class RequestRejectedException(RejectionReason reason, string message) : Exception(message)
{
    /// <summary>Why the request was refused.</summary>
    public RejectionReason Reason { get; } = reason;
}
