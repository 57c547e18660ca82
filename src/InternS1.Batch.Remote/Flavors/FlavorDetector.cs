using System.Text.Json;
using InternS1.Batch.Remote.Client;
using InternS1.Batch.Remote.Endpoints;
using InternS1.Batch.Remote.Options;
using InternS1.Batch.Remote.Telemetry;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.Remote.Flavors;

/// <summary>
/// Finds out what an endpoint is and which model to send: <c>GET {base}/models</c> (the models and their
/// <c>owned_by</c>: <c>lmdeploy</c>, <c>vllm</c>, <c>sglang</c>), Ollama's <c>GET /api/version</c>, the
/// flavor's health endpoint and vLLM's <c>/version</c>, and logs what it found. A configured flavor skips
/// the guess but not the checks. Fails (<see cref="DetectionException"/>) when the endpoint cannot serve.
/// </summary>
internal sealed class FlavorDetector(HttpClient http, RemoteOptions options, ILogger logger)
{
    /// <summary>What detection found.</summary>
    public sealed record Detection(FlavorDialect Dialect, string Model, string Evidence);

    public async Task<Detection> DetectAsync(RemoteEndpoint endpoint, CancellationToken cancellationToken)
    {
        var (status, body) = await Get(endpoint.Models, "GET /v1/models", cancellationToken);
        if (status is 401 or 403)
            throw new DetectionException($"GET /v1/models: HTTP {status}, the API key was refused (check Remote:ApiKey)");
        if (status is < 200 or > 299)
            throw new DetectionException($"GET /v1/models: HTTP {status}");
        var (models, ownedBy) = ParseModels(body);

        FlavorDialect dialect;
        string evidence;
        string? version = null;
        if (options.Flavor != RemoteFlavor.Auto)
        {
            dialect = FlavorDialect.For(options.Flavor);
            evidence = "configured";
        }
        else if (ownedBy is "lmdeploy" or "vllm" or "sglang")
        {
            dialect = FlavorDialect.For(ownedBy switch { "lmdeploy" => RemoteFlavor.Lmdeploy, "vllm" => RemoteFlavor.Vllm, _ => RemoteFlavor.Sglang });
            evidence = $"owned_by {ownedBy}";
        }
        else if ((version = await OllamaVersion(endpoint, cancellationToken)) is not null)
        {
            dialect = FlavorDialect.For(RemoteFlavor.Ollama);
            evidence = "GET /api/version answered";
        }
        else
        {
            dialect = FlavorDialect.For(RemoteFlavor.OpenAi);
            evidence = $"owned_by {ownedBy ?? "(none)"} is no known server: generic OpenAI";
        }

        var health = "n/a";
        if (dialect.HealthPath is { } healthPath)
        {
            var (healthStatus, _) = await Get(new Uri(endpoint.Root, healthPath), $"GET /{healthPath}", cancellationToken);
            health = healthStatus.ToString();
            if (healthStatus is < 200 or > 299)
                throw new DetectionException($"GET /{healthPath}: HTTP {healthStatus} (the server is not ready)");
        }
        if (dialect.Flavor == RemoteFlavor.Vllm)
            version = await JsonVersion(new Uri(endpoint.Root, "version"), cancellationToken);
        else if (dialect.Flavor == RemoteFlavor.Ollama)
            version ??= await OllamaVersion(endpoint, cancellationToken);

        RemoteLog.Detected(logger, endpoint.Label, string.Join(", ", models), ownedBy ?? "(none)", health, version ?? "n/a", dialect.Name);
        return new Detection(dialect, SelectModel(endpoint, models), evidence);
    }

    private string SelectModel(RemoteEndpoint endpoint, IReadOnlyList<string> models)
    {
        if (!string.IsNullOrEmpty(options.Model))
        {
            if (models.Count > 0 && !models.Contains(options.Model, StringComparer.Ordinal))
                throw new DetectionException(
                    $"Remote:Model '{options.Model}' is not served by {endpoint.Label}; it lists [{string.Join(", ", models)}]");
            return options.Model;
        }
        return models.Count > 0
            ? models[0]
            : throw new DetectionException("GET /v1/models lists no model; set Remote:Model");
    }

    private static (IReadOnlyList<string> Models, string? OwnedBy) ParseModels(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new DetectionException("GET /v1/models: the answer has no 'data' list");
            var models = new List<string>();
            string? ownedBy = null;
            foreach (var model in data.EnumerateArray())
            {
                if (model.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                    models.Add(id.GetString()!);
                if (ownedBy is null && model.TryGetProperty("owned_by", out var owner) && owner.ValueKind == JsonValueKind.String)
                    ownedBy = owner.GetString();
            }
            return (models, ownedBy);
        }
        catch (JsonException e)
        {
            throw new DetectionException($"GET /v1/models: the answer is not JSON ({e.Message})");
        }
    }

    private async Task<string?> OllamaVersion(RemoteEndpoint endpoint, CancellationToken cancellationToken) =>
        await JsonVersion(new Uri(endpoint.Root, "api/version"), cancellationToken);

    /// <summary><c>{"version": "..."}</c> from a GET, or null when the endpoint has none.</summary>
    private async Task<string?> JsonVersion(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await RemoteHttp.GetTextAsync(http, uri, options.ApiKey, cancellationToken);
            if (status is < 200 or > 299)
                return null;
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or JsonException)
        {
            return null;
        }
    }

    private async Task<(int Status, string Body)> Get(Uri uri, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await RemoteHttp.GetTextAsync(http, uri, options.ApiKey, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            throw new DetectionException($"{what}: {e.Message}");
        }
    }
}
