using InternS1.Batch.Remote.Options;

namespace InternS1.Batch.Remote.Flavors;

/// <summary>
/// What differs between the OpenAI-compatible servers, as data (sources in
/// shared/notes/remote-engines.md §1-§3): request field names, the reasoning field, health, metrics,
/// abort endpoints and media support. One instance per flavor, from <see cref="For"/>.
/// </summary>
internal sealed record FlavorDialect
{
    /// <summary>How the thinking switch is sent.</summary>
    public enum ThinkingSwitch
    {
        /// <summary><c>chat_template_kwargs.enable_thinking</c> (vLLM, SGLang, generic servers).</summary>
        TemplateKwargs,
        /// <summary>Also a top-level <c>enable_thinking</c> (LMDeploy before v0.11.1 reads only that).</summary>
        TemplateKwargsAndTopLevel,
        /// <summary>Ollama's <c>reasoning_effort</c>: <c>none</c> turns thinking off, a level turns it on.</summary>
        ReasoningEffort,
    }

    /// <summary>How a request is named so that the server can abort it.</summary>
    public enum RequestIdStyle
    {
        None,
        /// <summary>vLLM <c>request_id</c> (a string; closing the connection aborts).</summary>
        RequestId,
        /// <summary>SGLang <c>rid</c>, aborted with <c>POST /abort_request {"rid"}</c>.</summary>
        Rid,
        /// <summary>LMDeploy <c>session_id</c> (an integer), aborted with <c>POST /abort_request {"session_id"}</c>.</summary>
        SessionId,
    }

    public required RemoteFlavor Flavor { get; init; }

    /// <summary>The configuration spelling (<c>lmdeploy</c>, <c>vllm</c>, ...), used in logs and error messages.</summary>
    public string Name => Flavor.ToString().ToLowerInvariant();

    /// <summary>Whether <c>video_url</c> parts reach the model (only vLLM's Intern-S1 has a video path).</summary>
    public bool AcceptsVideo { get; init; }

    /// <summary>Ollama decodes only <c>data:image/{jpeg,jpg,png,webp};base64,</c> URLs.</summary>
    public bool OnlyJpegPngWebp { get; init; }

    /// <summary>Send <c>max_completion_tokens</c>.</summary>
    public bool SendsMaxCompletionTokens { get; init; }

    /// <summary>Send <c>max_tokens</c> (LMDeploy before v0.10 and Ollama read only that).</summary>
    public bool SendsMaxTokens { get; init; }

    /// <summary>Whether <c>top_k</c> and <c>min_p</c> exist in the server's request (not in Ollama's or OpenAI's).</summary>
    public bool SendsTopKAndMinP { get; init; }

    /// <summary>The <c>top_k</c> that disables top-k: 0 for LMDeploy (negative values are refused), -1 for vLLM and SGLang.</summary>
    public int TopKDisabled { get; init; } = -1;

    public ThinkingSwitch Thinking { get; init; } = ThinkingSwitch.TemplateKwargs;

    /// <summary>Whether extra chat-template variables can be sent (<c>chat_template_kwargs</c>).</summary>
    public bool SupportsTemplateKwargs => Thinking != ThinkingSwitch.ReasoningEffort;

    /// <summary>The field an assistant turn's previous reasoning is sent in.</summary>
    public string ReasoningFieldOut { get; init; } = "reasoning_content";

    public RequestIdStyle RequestIds { get; init; }

    /// <summary>Health probe path relative to the server root, or null to probe <c>{base}/models</c>.</summary>
    public string? HealthPath { get; init; }

    /// <summary>Prometheus gauge of queued (not yet running) requests, or null when the server has no metrics.</summary>
    public string? WaitingMetric { get; init; }

    /// <summary>Prometheus gauge of running requests (the batch the server is running now).</summary>
    public string? RunningMetric { get; init; }

    private static readonly FlavorDialect Lmdeploy = new()
    {
        Flavor = RemoteFlavor.Lmdeploy, SendsMaxCompletionTokens = true, SendsMaxTokens = true, SendsTopKAndMinP = true,
        TopKDisabled = 0, Thinking = ThinkingSwitch.TemplateKwargsAndTopLevel, RequestIds = RequestIdStyle.SessionId,
        HealthPath = "health", WaitingMetric = "lmdeploy:num_requests_waiting", RunningMetric = "lmdeploy:num_requests_running",
    };

    private static readonly FlavorDialect Vllm = new()
    {
        Flavor = RemoteFlavor.Vllm, AcceptsVideo = true, SendsMaxCompletionTokens = true, SendsTopKAndMinP = true,
        ReasoningFieldOut = "reasoning", RequestIds = RequestIdStyle.RequestId,
        HealthPath = "health", WaitingMetric = "vllm:num_requests_waiting", RunningMetric = "vllm:num_requests_running",
    };

    private static readonly FlavorDialect Sglang = new()
    {
        Flavor = RemoteFlavor.Sglang, SendsMaxCompletionTokens = true, SendsTopKAndMinP = true, RequestIds = RequestIdStyle.Rid,
        HealthPath = "health", WaitingMetric = "sglang:num_queue_reqs", RunningMetric = "sglang:num_running_reqs",
    };

    private static readonly FlavorDialect Ollama = new()
    {
        Flavor = RemoteFlavor.Ollama, OnlyJpegPngWebp = true, SendsMaxTokens = true, Thinking = ThinkingSwitch.ReasoningEffort,
        ReasoningFieldOut = "reasoning", HealthPath = "api/version",
    };

    private static readonly FlavorDialect OpenAi = new()
    {
        Flavor = RemoteFlavor.OpenAi, SendsMaxCompletionTokens = true,
    };

    /// <summary>The dialect of a concrete flavor (not <see cref="RemoteFlavor.Auto"/>).</summary>
    public static FlavorDialect For(RemoteFlavor flavor) => flavor switch
    {
        RemoteFlavor.Lmdeploy => Lmdeploy,
        RemoteFlavor.Vllm => Vllm,
        RemoteFlavor.Sglang => Sglang,
        RemoteFlavor.Ollama => Ollama,
        RemoteFlavor.OpenAi => OpenAi,
        _ => throw new ArgumentOutOfRangeException(nameof(flavor), flavor, "Auto is resolved by detection before a dialect is chosen."),
    };
}
