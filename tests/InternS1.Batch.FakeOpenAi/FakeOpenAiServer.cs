using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternS1.Batch.FakeOpenAi;

/// <summary>
/// A fake OpenAI-compatible server on loopback (ASP.NET Core minimal API, real HTTP): <c>/v1/models</c>,
/// streaming <c>/v1/chat/completions</c>, the flavor's health, version, metrics and abort endpoints. It
/// generates in <see cref="FakeServerOptions.Slots"/> slots at a fixed per-token delay, queues the rest and
/// refuses with 503 past a queue limit, follows scripted failures, and records every request.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeBehavior> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private int _completed;
    private int _dropped;

    private FakeOpenAiServer(WebApplication app, FakeServerOptions options)
    {
        _app = app;
        Options = options;
        Slots = new FakeSlots(options.Slots, options.QueueLimit);
    }

    public FakeServerOptions Options { get; }

    /// <summary>The generation slots (running and waiting counts, peak, capacity).</summary>
    public FakeSlots Slots { get; }

    public int Port { get; private set; }

    /// <summary>The OpenAI base URL, <c>http://127.0.0.1:{port}/v1</c> (what <c>Remote:Endpoints</c> takes).</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>When true every connection is dropped at once, on every route, and streams in progress are cut at
    /// their next token (a crashed server).</summary>
    public bool Down { get; set; }

    /// <summary>When false the health endpoint answers 503 (the server is up but not serving).</summary>
    public bool Healthy { get; set; } = true;

    /// <summary>Streams that ran to <c>[DONE]</c> normally.</summary>
    public int CompletedStreams => Volatile.Read(ref _completed);

    /// <summary>Streams the fake dropped on purpose (<see cref="FakeBehavior.DropAfter"/>, or cut by <see cref="Down"/>).</summary>
    public int DroppedStreams => Volatile.Read(ref _dropped);

    public static async Task<FakeOpenAiServer> StartAsync(FakeServerOptions? options = null)
    {
        options ??= new FakeServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new FakeOpenAiServer(app, options);
        server.Map();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Scripts the next chat requests, one behaviour each, in order.</summary>
    public void Enqueue(params FakeBehavior[] behaviors)
    {
        foreach (var behavior in behaviors)
            _script.Enqueue(behavior);
    }

    /// <summary>Changes how many requests generate at once (waiting ones start when it grows).</summary>
    public void SetSlots(int slots) => Slots.SetCapacity(slots);

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
    }

    /// <summary>The chat completion requests received so far.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => Requests.Where(r => r.Path == "/v1/chat/completions").ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal FakeBehavior? NextBehavior() => _script.TryDequeue(out var behavior) ? behavior : null;

    internal void Completed() => Interlocked.Increment(ref _completed);

    internal void Dropped() => Interlocked.Increment(ref _dropped);

    internal bool Authorized(HttpContext context) =>
        Options.ApiKey is null || context.Request.Headers.Authorization.ToString() == $"Bearer {Options.ApiKey}";

    internal RecordedRequest Record(HttpContext context, JsonNode? body)
    {
        var record = new RecordedRequest
        {
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "",
            Body = body,
            Authorization = context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null,
            ReceivedAt = DateTimeOffset.UtcNow,
        };
        lock (_requests)
            _requests.Add(record);
        return record;
    }

    private void Map()
    {
        var flavor = Options.Flavor;
        _app.Use(async (context, next) =>
        {
            if (Down)
            {
                context.Abort();
                return;
            }
            await next(context);
        });
        _app.MapGet("/v1/models", (HttpContext c) =>
        {
            var record = Record(c, null);
            record.Status = Authorized(c) ? 200 : 401;
            return Authorized(c) ? Results.Json(FakeWire.Models(Options)) : Results.Json(FakeWire.Error(flavor, 401, "Unauthorized"), statusCode: 401);
        });
        _app.MapPost("/v1/chat/completions", new FakeChat(this).HandleAsync);
        if (flavor is FakeFlavor.Vllm or FakeFlavor.Sglang)
            _app.MapGet("/health", (HttpContext c) => Probe(c, Healthy ? Results.Ok() : Results.StatusCode(503)));
        if (flavor == FakeFlavor.Lmdeploy)
            _app.MapGet("/health", (HttpContext c) => Probe(c, Results.Json(new { status = Healthy ? "healthy" : "unhealthy" }, statusCode: Healthy ? 200 : 503)));
        if (flavor == FakeFlavor.Vllm)
            _app.MapGet("/version", (HttpContext c) => Probe(c, Results.Json(new { version = "0.11.0" })));
        if (flavor == FakeFlavor.Ollama)
        {
            _app.MapGet("/api/version", (HttpContext c) => Probe(c, Healthy ? Results.Json(new { version = "0.12.6" }) : Results.StatusCode(503)));
            _app.MapGet("/", (HttpContext c) => Probe(c, Results.Text("Ollama is running")));
        }
        if (FakeWire.Metrics(flavor, "m", 0, 0) is not null)
            _app.MapGet("/metrics", (HttpContext c) => Probe(c,
                Results.Text(FakeWire.Metrics(flavor, Options.Models[0], Slots.Running, Slots.Waiting)!, "text/plain; version=0.0.4")));
        if (flavor is FakeFlavor.Lmdeploy or FakeFlavor.Sglang)
            _app.MapPost("/abort_request", async (HttpContext c) =>
            {
                var body = await JsonNode.ParseAsync(c.Request.Body);
                Record(c, body).Status = 200;
                return Results.Ok();
            });
    }

    private IResult Probe(HttpContext context, IResult result)
    {
        Record(context, null).Status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        return result;
    }
}
