using InternS1.Batch.Http.Hosting;
using InternS1.Batch.Http.Serve;
using InternS1.Batch.Worker.Hosting;
using Microsoft.AspNetCore.Builder;

namespace InternS1.Batch.Cli.Composition;

/// <summary>
/// The web hosts of the OpenAI-compatible endpoint: <c>interns1 serve</c> (the local engine, storage and the endpoint)
/// and <c>interns1 worker</c> with <c>Serve:Urls</c> set (the whole worker and the endpoint in one host: one engine, one
/// container, batch jobs and interactive requests on the same scheduler). Kestrel listens on <c>Serve:Urls</c>
/// (default <c>http://127.0.0.1:8000</c>).
/// </summary>
internal static class ServeComposition
{
    /// <summary>The key of the endpoint's URLs.</summary>
    public const string UrlsKey = ServeOptions.SectionName + ":" + nameof(ServeOptions.Urls);

    /// <summary>True when the configuration asks the worker to serve the endpoint too.</summary>
    public static bool WorkerServes(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[UrlsKey]);

    /// <summary><c>interns1 serve</c>: the endpoint on the local engine, without the worker.</summary>
    public static WebApplication BuildServe(WebApplicationBuilder builder)
    {
        ExecutorComposition.TryAddExecutor(builder.Services, builder.Configuration);
        builder.Services.AddInternS1ServeStandalone(builder.Configuration);
        return Finish(builder);
    }

    /// <summary><c>interns1 worker</c> with <c>Serve:Urls</c>: the worker and the endpoint in one host.</summary>
    public static WebApplication BuildWorker(WebApplicationBuilder builder)
    {
        ExecutorComposition.TryAddExecutor(builder.Services, builder.Configuration);
        builder.Services.AddInternS1Worker(builder.Configuration);
        return Finish(builder);
    }

    private static WebApplication Finish(WebApplicationBuilder builder)
    {
        builder.Services.AddInternS1Serve();
        InternS1WebHost.Listen(builder, builder.Configuration[UrlsKey] ?? ServeOptions.DefaultUrls, UrlsKey);
        var app = builder.Build();
        app.MapInternS1Serve();
        return app;
    }
}
