namespace InternS1.Batch.Remote.Options;

/// <summary>
/// Which OpenAI-compatible server an endpoint is (configuration <c>Remote:Flavor</c>, case-insensitive).
/// The flavor decides request field names (thinking switch, max tokens, request id), the reasoning
/// field of responses, the health, metrics and abort endpoints, and whether video is accepted.
/// </summary>
public enum RemoteFlavor
{
    /// <summary>Detect per endpoint: <c>GET /v1/models</c> <c>owned_by</c> (lmdeploy, vllm, sglang),
    /// then Ollama's <c>GET /api/version</c>; anything else is treated as <see cref="OpenAi"/>.</summary>
    Auto,

    /// <summary><c>lmdeploy serve api_server</c>.</summary>
    Lmdeploy,

    /// <summary><c>vllm serve</c>.</summary>
    Vllm,

    /// <summary><c>python3 -m sglang.launch_server</c>.</summary>
    Sglang,

    /// <summary>Ollama's OpenAI-compatible <c>/v1</c> API.</summary>
    Ollama,

    /// <summary>Any other OpenAI-compatible server (only the common fields are relied on).</summary>
    OpenAi,
}
