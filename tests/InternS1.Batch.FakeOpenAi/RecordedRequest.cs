using System.Text.Json.Nodes;

namespace InternS1.Batch.FakeOpenAi;

/// <summary>A request the fake received, so tests can assert what was sent.</summary>
public sealed class RecordedRequest
{
    public required string Method { get; init; }

    /// <summary>The path, e.g. <c>/v1/chat/completions</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The JSON body (null when there was none or it was not JSON).</summary>
    public JsonNode? Body { get; init; }

    /// <summary>The <c>Authorization</c> header as received.</summary>
    public string? Authorization { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The status the fake answered with (200 for streams, also when they later failed).</summary>
    public int Status { get; internal set; }

    /// <summary>The client went away before the fake finished answering.</summary>
    public bool ClientDisconnected { get; internal set; }

    /// <summary>Tokens streamed to the client so far.</summary>
    public int TokensSent => Volatile.Read(ref _tokensSent);

    internal int _tokensSent;

    /// <summary>The behaviour the request got (null = normal).</summary>
    public FakeBehavior? Behavior { get; internal set; }
}
