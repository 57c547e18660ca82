using InternS1.Batch.Http.Hosting;
using InternS1.Batch.Http.Serve.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Http.Serve;

/// <summary>The routes of the endpoint: <c>POST /v1/chat/completions</c>, <c>GET /v1/models</c> (behind the API keys
/// when <c>Serve:ApiKeys</c> is set), <c>GET /health</c> and <c>GET /metrics</c> (open).</summary>
public static class ServeEndpoints
{
    /// <summary>Maps the routes and the API-key check on <c>/v1</c>.</summary>
    public static WebApplication MapInternS1Serve(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseApiKeys(app.Services.GetRequiredService<ApiKeys>(), "/v1");
        app.MapPost("/v1/chat/completions", (HttpContext context, ServeChatCompletions handler) => handler.HandleAsync(context));
        app.MapGet("/v1/models", ModelsAsync);
        app.MapGet("/health", (ServeEngine engine) =>
        {
            var status = engine.Status;
            return Results.Json(new { status }, statusCode: status == "healthy" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapInternS1Prometheus();
        return app;
    }

    private static async Task ModelsAsync(HttpContext context, ServeEngine engine)
    {
        ServeEngine.Parts parts;
        try
        {
            parts = await engine.ReadyAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (ServeException e)
        {
            await ErrorResponses.WriteAsync(context, e.Status, e.Code, e.Message, e.Param, e.RetryAfterSeconds).ConfigureAwait(false);
            return;
        }
        var list = new ModelList
        {
            Data = [new ModelCard { Id = parts.ModelName, Created = parts.LoadedAt.ToUnixTimeSeconds(), MaxModelLength = parts.Core.Config.MaxModelLength }],
        };
        await context.Response.WriteAsJsonAsync(list, ServeChatCompletions.Json, context.RequestAborted).ConfigureAwait(false);
    }
}
