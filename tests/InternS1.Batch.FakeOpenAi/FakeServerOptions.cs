namespace InternS1.Batch.FakeOpenAi;

/// <summary>How the fake server behaves. Token counts are deterministic so tests can compute expectations
/// by hand: a prompt costs one token per whitespace-separated word of text plus <see cref="ImageTokens"/>
/// per image and <see cref="VideoTokens"/> per video; thinking emits <see cref="ReasoningTokens"/> tokens
/// <c>r0 r1 ...</c>, then one <c>&lt;/think&gt;</c> token, then <see cref="ContentTokens"/> tokens <c>c0 c1 ...</c>.</summary>
public sealed class FakeServerOptions
{
    public FakeFlavor Flavor { get; set; } = FakeFlavor.Vllm;

    /// <summary>Listed by <c>GET /v1/models</c>, in order. Requests for another model get 404.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["internlm/Intern-S1"];

    /// <summary>Requests generated at once (a stand-in for the GPU batch). Changeable while running with
    /// <see cref="FakeOpenAiServer.SetSlots"/>.</summary>
    public int Slots { get; set; } = 4;

    /// <summary>Requests that may wait for a slot; one more gets 503 with <c>Retry-After</c>.</summary>
    public int QueueLimit { get; set; } = 64;

    /// <summary>The <c>Retry-After</c> of the queue-full 503, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Time per generated token.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    public int ReasoningTokens { get; set; } = 4;

    public int ContentTokens { get; set; } = 8;

    /// <summary>False: the server runs no reasoning parser and the reasoning stays inside the content
    /// (<c>r0 r1 r2 r3\n&lt;/think&gt;\n\nc0 c1 ...</c>), as with the model card's vLLM command.</summary>
    public bool ReasoningParser { get; set; } = true;

    /// <summary>True: the server thinks whatever the request says (a template or flavor that ignores the
    /// thinking switch), so a client can be seen verifying what came back.</summary>
    public bool IgnoreThinkingSwitch { get; set; }

    /// <summary>Report <c>prompt_tokens_details.cached_tokens</c> (= prompt tokens / 2). Default: only
    /// LMDeploy (vLLM and SGLang need a server flag, Ollama and generic servers never do).</summary>
    public bool? ReportCachedTokens { get; set; }

    /// <summary>Longer prompts get HTTP 400 with the flavor's context-length message.</summary>
    public int MaxPromptTokens { get; set; } = 4096;

    /// <summary>When set, every <c>/v1</c> request must carry <c>Authorization: Bearer {ApiKey}</c> (else 401).</summary>
    public string? ApiKey { get; set; }

    /// <summary>True: never send the usage chunk, whatever <c>stream_options.include_usage</c> says (a server that
    /// cannot report usage).</summary>
    public bool OmitUsage { get; set; }

    public int ImageTokens { get; set; } = 256;

    public int VideoTokens { get; set; } = 1024;

    internal bool CachedReported => ReportCachedTokens ?? Flavor == FakeFlavor.Lmdeploy;
}
