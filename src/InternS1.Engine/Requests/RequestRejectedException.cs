namespace InternS1.Engine.Requests;

/// <summary>A request that can never run, found before it reaches the model.
/// <see cref="Code"/> is a stable reason code (e.g. <c>prompt_too_long</c>).</summary>
public sealed class RequestRejectedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
