using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.FakeOpenAi;

/// <summary><c>POST /v1/chat/completions</c> of the fake: checks (key, model, prompt length), admits the
/// request into a slot or refuses it with 503, then streams the planned tokens with the flavor's field
/// names, applying the request's scripted behaviour.</summary>
internal sealed class FakeChat(FakeOpenAiServer server)
{
    public async Task HandleAsync(HttpContext context)
    {
        var options = server.Options;
        var aborted = context.RequestAborted;
        JsonNode? body = null;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: aborted);
        }
        catch (System.Text.Json.JsonException)
        {
        }
        var record = server.Record(context, body);
        try
        {
            if (!server.Authorized(context))
            {
                await Fail(context, record, 401, "Unauthorized");
                return;
            }
            var behavior = server.NextBehavior();
            record.Behavior = behavior;
            if (body is not JsonObject request)
            {
                await Fail(context, record, 400, "the body is not a JSON object");
                return;
            }
            switch (behavior)
            {
                case FakeBehavior.NeverAnswer:
                    await Task.Delay(Timeout.Infinite, aborted);
                    return;
                case FakeBehavior.Status status:
                    if (status.RetryAfterSeconds is { } seconds)
                        context.Response.Headers.RetryAfter = seconds.ToString();
                    await Fail(context, record, status.Code, status.Message);
                    return;
            }
            var model = request["model"]?.GetValue<string>() ?? "";
            if (!options.Models.Contains(model))
            {
                await Fail(context, record, 404, $"The model `{model}` does not exist.");
                return;
            }
            var prompt = FakePrompt.CountTokens(request, options);
            if (prompt > options.MaxPromptTokens)
            {
                await Fail(context, record, 400,
                    $"This model's maximum context length is {options.MaxPromptTokens} tokens. However, you requested {prompt} tokens in the messages.");
                return;
            }
            var admitted = server.Slots.TryEnter(aborted);
            if (admitted is null)
            {
                context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString();
                await Fail(context, record, 503, "The request queue is full.");
                return;
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            record.Status = 200;
            await context.Response.StartAsync(aborted);
            try
            {
                await admitted;
            }
            catch (OperationCanceledException)
            {
                record.ClientDisconnected = true;
                return;
            }
            try
            {
                await new FakeStream(server, context, request, behavior, prompt, record).RunAsync();
            }
            finally
            {
                server.Slots.Leave();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            record.ClientDisconnected = true;
        }
    }

    private async Task Fail(HttpContext context, RecordedRequest record, int code, string message)
    {
        record.Status = code;
        context.Response.StatusCode = code;
        await context.Response.WriteAsJsonAsync(FakeWire.Error(server.Options.Flavor, code, message), context.RequestAborted);
    }
}
