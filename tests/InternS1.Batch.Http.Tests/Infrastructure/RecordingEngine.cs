using System.Collections.Concurrent;
using System.Threading.Channels;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;

namespace InternS1.Batch.Http.Tests.Infrastructure;

/// <summary>The real engine, with every request it was given kept by id (so a test can read the prompt the chat
/// template rendered, and the scheduling class a request ran with).</summary>
public sealed class RecordingEngine(IGenerationEngine inner) : IGenerationEngine
{
    public ConcurrentDictionary<string, EngineRequest> Requests { get; } = new(StringComparer.Ordinal);

    public ModelRunnerInfo Model => inner.Model;

    public Task<EngineResult> GenerateAsync(EngineRequest request, CancellationToken cancellationToken = default)
    {
        Requests[request.RequestId] = request;
        return inner.GenerateAsync(request, cancellationToken);
    }

    public Task<EngineResult> GenerateStreamingAsync(EngineRequest request, ChannelWriter<EngineDelta> deltas, CancellationToken cancellationToken = default)
    {
        Requests[request.RequestId] = request;
        return inner.GenerateStreamingAsync(request, deltas, cancellationToken);
    }
}
