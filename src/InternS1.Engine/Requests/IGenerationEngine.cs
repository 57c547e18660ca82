namespace InternS1.Engine.Requests;

/// <summary>
/// The engine as seen by its callers: accepts many concurrent requests and completes each one
/// independently (continuous batching inside). Thread-safe.
/// </summary>
public interface IGenerationEngine
{
    /// <summary>Facts about the loaded model that callers need (context length, eos ids, ...).</summary>
    InternS1.Engine.Execution.ModelRunnerInfo Model { get; }

    /// <summary>Runs one request to completion. Cancelling aborts the request and frees its
    /// resources; the task then ends with <see cref="OperationCanceledException"/>.</summary>
    /// <exception cref="RequestRejectedException">The request can never run (e.g. prompt larger
    /// than the KV budget or the model context); the message names the reason.</exception>
    Task<EngineResult> GenerateAsync(EngineRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs one request to completion like <see cref="GenerateAsync"/> and writes its text to
    /// <paramref name="deltas"/> as it is generated (one <see cref="EngineDelta"/> per token; the writer is not
    /// completed). Every delta is written before the task completes; the deltas are a prefix of the result's
    /// <see cref="EngineResult.OutputText"/>. An engine that cannot stream writes nothing and returns the result.</summary>
    Task<EngineResult> GenerateStreamingAsync(EngineRequest request, System.Threading.Channels.ChannelWriter<EngineDelta> deltas,
        CancellationToken cancellationToken = default) => GenerateAsync(request, cancellationToken);
}
