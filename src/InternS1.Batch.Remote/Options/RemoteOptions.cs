using System.ComponentModel.DataAnnotations;
using InternS1.Batch.Remote.Endpoints;

namespace InternS1.Batch.Remote.Options;

/// <summary>
/// The remote engine's settings (section <c>Remote</c>; environment <c>INTERNS1_Remote__Endpoints__0=...</c>).
/// One or more OpenAI-compatible servers, each a replica of the same model; requests are balanced by
/// free capacity. <see cref="ApiKey"/> comes from configuration or secrets only and is never logged
/// (<see cref="ToString"/> redacts it).
/// </summary>
public sealed class RemoteOptions : IValidatableObject
{
    public const string SectionName = "Remote";

    /// <summary>Base URLs of the servers' OpenAI API, e.g. <c>http://gpu-node-1:23333/v1</c>. At least one.
    /// Health, metrics and abort endpoints are found next to it (the URL without its <c>/v1</c>).</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary><c>auto</c> (default: probe each endpoint), <c>lmdeploy</c>, <c>vllm</c>, <c>sglang</c>,
    /// <c>ollama</c> or <c>openai</c>.</summary>
    public RemoteFlavor Flavor { get; set; } = RemoteFlavor.Auto;

    /// <summary>The model name sent with every request. Default: the first model the server lists in
    /// <c>GET /v1/models</c>. An endpoint that does not list a configured model is kept down.</summary>
    public string? Model { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer ...</c> to the server (and its probes). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Upper bound of requests in flight per endpoint; the adaptive limiter starts at
    /// min(8, this) and never exceeds it. Default 256.</summary>
    [Range(1, 65536, ErrorMessage = "Remote:MaxConcurrency must be between 1 and 65536.")]
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>How long a request may take until the first streamed event arrives (connect, queueing on
    /// the server and prefill included). There is no overall limit: a long generation streams for as long
    /// as it needs. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Remote:RequestTimeout must be between 1 ms and 1 day.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest silence allowed between two streamed events once streaming has begun. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Remote:StreamIdleTimeout must be between 1 ms and 1 day.")]
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of one request after a transient fault (503, 429, 5xx, transport error, timeout,
    /// an error inside the stream). Waiting for an endpoint to come back does not use them up. Default 5.</summary>
    [Range(0, 100, ErrorMessage = "Remote:MaxRetryAttempts must be between 0 and 100.")]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>First retry delay; later ones grow exponentially with jitter up to <see cref="RetryMaxDelay"/>. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Remote:RetryBaseDelay must be between 0 and 1 hour.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest retry delay of the exponential backoff. A server's <c>Retry-After</c> is honoured
    /// on top of it (the endpoint takes no request until then). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Remote:RetryMaxDelay must be between 0 and 1 hour.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an endpoint that is down (or not yet detected) is probed. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Remote:HealthProbeInterval must be between 10 ms and 1 hour.")]
    public TimeSpan HealthProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an endpoint that is up has its health endpoint checked and its Prometheus
    /// <c>/metrics</c> read (queue length, running requests). Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Remote:MetricsScrapeInterval must be between 10 ms and 1 hour.")]
    public TimeSpan MetricsScrapeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Consecutive failures (transport errors, timeouts, 5xx other than 503, dropped streams)
    /// after which an endpoint is taken out of rotation and probed until it recovers. Default 3.</summary>
    [Range(1, 1000, ErrorMessage = "Remote:FailuresBeforeDown must be between 1 and 1000.")]
    public int FailuresBeforeDown { get; set; } = 3;

    /// <summary>Optional model folder (e.g. a download of <c>internlm/Intern-S1</c> without its weights) whose
    /// processor configs (<c>preprocessor_config.json</c>, <c>video_preprocessor_config.json</c>,
    /// <c>processor_config.json</c>) give our own image and video token counts; without it Intern-S1's defaults apply
    /// (448-pixel tiles, at most 12 plus a thumbnail, 256 tokens per tile, 32 video frames).</summary>
    public string? TokenizerPath { get; set; }

    /// <summary>Jobs prepared (media fetched and inlined) beyond the endpoints' total concurrency limit, so a freed
    /// slot is refilled at once; also added to the consumer's prefetch. Default 16.</summary>
    [Range(0, 10_000, ErrorMessage = "Remote:WaitingMargin must be between 0 and 10000.")]
    public int WaitingMargin { get; set; } = 16;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Endpoints.Count == 0)
            yield return new ValidationResult(
                "Remote:Endpoints: at least one server base URL is required (e.g. Remote:Endpoints:0=http://gpu-node-1:23333/v1).",
                [nameof(Endpoints)]);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Endpoints.Count; i++)
        {
            var text = Endpoints[i]?.Trim() ?? "";
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                yield return new ValidationResult($"Remote:Endpoints:{i}: '{EndpointText.Redact(text)}' is not an absolute http(s) URL.", [nameof(Endpoints)]);
            else if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
                yield return new ValidationResult($"Remote:Endpoints:{i}: '{EndpointText.Redact(text)}' must not have a query or fragment.", [nameof(Endpoints)]);
            else if (!seen.Add(uri.GetLeftPart(UriPartial.Path).TrimEnd('/')))
                yield return new ValidationResult($"Remote:Endpoints:{i}: '{EndpointText.Redact(text)}' is listed twice.", [nameof(Endpoints)]);
        }
        if (RetryBaseDelay > RetryMaxDelay)
            yield return new ValidationResult(
                $"Remote:RetryBaseDelay ({RetryBaseDelay}) must not exceed Remote:RetryMaxDelay ({RetryMaxDelay}).", [nameof(RetryBaseDelay)]);
        if (Model is { } model && string.IsNullOrWhiteSpace(model) && model.Length > 0)
            yield return new ValidationResult("Remote:Model: must not be blank (leave it unset to use the first model the server lists).", [nameof(Model)]);
        if (!string.IsNullOrEmpty(TokenizerPath) && !Directory.Exists(TokenizerPath))
            yield return new ValidationResult($"Remote:TokenizerPath: folder '{TokenizerPath}' does not exist.", [nameof(TokenizerPath)]);
    }

    /// <summary>The settings for logs: the API key and any credentials inside endpoint URLs are redacted.</summary>
    public override string ToString() =>
        $"Endpoints=[{string.Join(", ", Endpoints.Select(EndpointText.Redact))}], Flavor={Flavor}, Model={Model ?? "(first listed)"}, " +
        $"ApiKey={(string.IsNullOrEmpty(ApiKey) ? "(none)" : "***")}, MaxConcurrency={MaxConcurrency}, RequestTimeout={RequestTimeout}, " +
        $"StreamIdleTimeout={StreamIdleTimeout}, MaxRetryAttempts={MaxRetryAttempts}, RetryBaseDelay={RetryBaseDelay}, RetryMaxDelay={RetryMaxDelay}, " +
        $"HealthProbeInterval={HealthProbeInterval}, MetricsScrapeInterval={MetricsScrapeInterval}, FailuresBeforeDown={FailuresBeforeDown}, " +
        $"TokenizerPath={TokenizerPath ?? "(none)"}, WaitingMargin={WaitingMargin}";
}
