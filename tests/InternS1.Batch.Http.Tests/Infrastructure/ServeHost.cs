using System.ClientModel;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Http.Hosting;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Preparation;
using InternS1.Batch.Worker.Scratch;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace InternS1.Batch.Http.Tests.Infrastructure;

/// <summary>
/// The endpoint composed exactly as <c>interns1 serve</c> (or <c>interns1 worker</c> with <c>Serve:Urls</c>) composes it,
/// in the test process on a free loopback port: the tiny checkpoint on the real TorchSharp runner, a scratch
/// PostgreSQL database (and scratch queue for the worker), the engine wrapped in a <see cref="RecordingEngine"/>.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    public const string Key = "serve-test-key";

    private readonly ScratchEnvironment _env;

    private ServeHost(WebApplication app, ScratchEnvironment env, string baseUrl, string? queue)
    {
        App = app;
        _env = env;
        BaseUrl = baseUrl;
        Queue = queue;
    }

    public WebApplication App { get; }
    public string BaseUrl { get; }
    public string ConnectionString => _env.ConnectionString;

    /// <summary>The worker's job queue (worker hosts only).</summary>
    public string? Queue { get; }

    public RecordingEngine Recorder => App.Services.GetRequiredService<RecordingEngine>();

    /// <summary>Starts a host; <paramref name="settings"/> override the defaults (a key, 8 sequences, 64 MiB of KV).</summary>
    public static async Task<ServeHost> StartAsync(string prefix, IDictionary<string, string?>? settings = null, bool worker = false)
    {
        var model = await TinyModel.DirectoryAsync();
        var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, prefix, default);
        var baseUrl = $"http://127.0.0.1:{MetricsScrape.FreePort()}";
        var queue = worker ? env.Queue(prefix) : null;
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Model:Path"] = model,
            ["Model:Dtype"] = "float32",
            ["Engine:MaxNumSeqs"] = "8",
            ["Engine:KvCacheBytes"] = (64L << 20).ToString(),
            ["Engine:DefaultMaxNewTokens"] = "8",
            ["Serve:Urls"] = baseUrl,
            ["Serve:ApiKeys:0"] = Key,
            ["Worker:QueueName"] = queue,
            ["Worker:ShutdownTimeout"] = "00:00:05",
            ["Worker:RetryIntervals:0"] = "00:00:00.100",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            values[k] = v;
        var builder = InternS1WebHost.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(sp => new RecordingEngine(sp.GetRequiredService<EngineLoop>()));
        builder.Services.AddSingleton<IGenerationEngine>(sp => sp.GetRequiredService<RecordingEngine>());
        var app = worker ? ServeComposition.BuildWorker(builder) : ServeComposition.BuildServe(builder);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await env.DisposeAsync();
            throw;
        }
        return new ServeHost(app, env, baseUrl, queue);
    }

    /// <summary>An OpenAI .NET client of this endpoint.</summary>
    public OpenAIClient Client(string key = Key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(BaseUrl + "/v1"), NetworkTimeout = TimeSpan.FromMinutes(3) });

    /// <summary>A plain HTTP client with the key.</summary>
    public HttpClient Http(string? key = Key)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(3) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>The prompt the engine was given for request <paramref name="id"/>, decoded (special tokens kept).</summary>
    public string PromptOf(string id) =>
        App.Services.GetRequiredService<ModelPromptAssets>().Tokenizer.Decode(Recorder.Requests[id].PromptTokenIds);

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await App.StopAsync(stop.Token);
        await App.DisposeAsync();
        await _env.DisposeAsync();
    }
}
