using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.Http.Hosting;

/// <summary>Errors in the shape OpenAI clients read (<c>{"error": {"message", "type", "param", "code"}}</c>), which
/// vLLM, LMDeploy and SGLang answer with too.</summary>
public static class ErrorResponses
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The <c>type</c> of an error: <c>invalid_request_error</c> for 4xx, <c>server_error</c> otherwise.</summary>
    public static string TypeOf(int status) => status is >= 400 and < 500 ? "invalid_request_error" : "server_error";

    /// <summary>The JSON body of an error.</summary>
    public static string Body(int status, string code, string message, string? param) =>
        JsonSerializer.Serialize(new { error = new { message, type = TypeOf(status), param, code } }, Json);

    /// <summary>Writes the error as the response (status, JSON body, <c>Retry-After</c> in seconds when given).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string message, string? param = null, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsync(Body(status, code, message, param), context.RequestAborted).ConfigureAwait(false);
    }
}
