using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.Http.Hosting;

/// <summary>Refuses requests below a path prefix without an accepted API key (<see cref="ApiKeys"/>) with 401 and
/// an error body naming the header; other paths (health, metrics) stay open.</summary>
public static class ApiKeyMiddleware
{
    /// <summary>The error code of a missing or wrong key (OpenAI's).</summary>
    public const string InvalidApiKey = "invalid_api_key";

    /// <summary>Checks <see cref="ApiKeys"/> on every request whose path starts with <paramref name="pathPrefix"/>.</summary>
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app, ApiKeys keys, PathString pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.IsOpen) return app;
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(pathPrefix) &&
                !keys.Accepts(ApiKeys.FromAuthorization(context.Request.Headers.Authorization)))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, InvalidApiKey,
                    "Authorization: a valid API key is required (header 'Authorization: Bearer KEY'; keys are set in Serve:ApiKeys)",
                    "Authorization").ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });
    }
}
