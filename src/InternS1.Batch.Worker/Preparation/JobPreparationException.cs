namespace InternS1.Batch.Worker.Preparation;

/// <summary>A job that cannot be prepared as given (bad input): becomes a dead letter with
/// <see cref="ReasonCode"/>, never a retry.</summary>
public sealed class JobPreparationException(string reasonCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public string ReasonCode { get; } = reasonCode;
}
