namespace InternS1.Engine.Requests;

/// <summary>Why a sequence ended.</summary>
public enum FinishReason
{
    /// <summary>A stop token (eos) or stop string.</summary>
    Stop,
    /// <summary>MaxNewTokens reached, or the model context is full.</summary>
    Length,
    /// <summary>The request's deadline passed while it ran.</summary>
    Deadline,
    /// <summary>Cancelled by the caller (e.g. worker shutdown); the job is handed back.</summary>
    Aborted,
    /// <summary>The request failed (see <see cref="EngineResult.Error"/>).</summary>
    Error,
}
