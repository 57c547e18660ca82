using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.FakeOpenAi;

/// <summary>Streams one admitted request: a role chunk, then one chunk per token (reasoning, the
/// <c>&lt;/think&gt;</c> token, content or a tool call), the finish chunk, the usage chunk and <c>[DONE]</c>,
/// with the scripted behaviour applied at its token.</summary>
internal sealed class FakeStream(FakeOpenAiServer server, HttpContext context, JsonObject request, FakeBehavior? behavior, int promptTokens, RecordedRequest record)
{
    private readonly FakeServerOptions _options = server.Options;
    private readonly string _id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _model = request["model"]!.GetValue<string>();
    private CancellationToken Aborted => context.RequestAborted;

    public async Task RunAsync()
    {
        var flavor = _options.Flavor;
        var thinking = _options.IgnoreThinkingSwitch || FakePrompt.Thinking(request, flavor);
        var limit = FakePrompt.MaxTokens(request, flavor) ?? int.MaxValue;
        var inline = !_options.ReasoningParser || flavor == FakeFlavor.OpenAi;
        var tokens = Plan(thinking);

        if (behavior is FakeBehavior.SlowFirstToken slow)
            await Task.Delay(slow.Delay, Aborted);
        await Send(FakeWire.Chunk(_id, _model, new JsonObject { ["role"] = "assistant", ["content"] = "" }));

        var emitted = 0;
        var reasoning = 0;
        var finish = tokens.Any(t => t.Kind == TokenKind.ToolCall) ? "tool_calls" : "stop";
        foreach (var token in tokens)
        {
            if (emitted == limit)
            {
                finish = "length";
                break;
            }
            if (server.Down)
            {
                // A crashed server: its open streams end with the connection.
                context.Abort();
                server.Dropped();
                return;
            }
            switch (behavior)
            {
                case FakeBehavior.DropAfter drop when drop.Tokens == emitted:
                    context.Abort();
                    server.Dropped();
                    return;
                case FakeBehavior.ErrorEventAfter error when error.Tokens == emitted:
                    await Send(FakeWire.Error(FakeFlavor.Vllm, 500, error.Message));
                    await SendDone();
                    return;
                case FakeBehavior.StallAfter stall when stall.Tokens == emitted:
                    await Task.Delay(Timeout.Infinite, Aborted);
                    return;
                case FakeBehavior.FinishWith scripted when scripted.Tokens == emitted:
                    finish = scripted.Reason;
                    goto Finished;
            }
            await Task.Delay(_options.TokenDelay, Aborted);
            var delta = token.Kind switch
            {
                TokenKind.Reasoning when !inline => FakeWire.ReasoningDelta(flavor, token.Text),
                // A reasoning parser splits at </think>: the newline before it is dropped (LMDeploy strips it), the
                // text after it is content (as vLLM's and SGLang's parsers pass it on).
                TokenKind.ThinkEnd when !inline => new JsonObject { ["content"] = AfterThinkEnd },
                TokenKind.ToolCall => new JsonObject { ["tool_calls"] = new JsonArray(token.ToolCall!.DeepClone()) },
                _ => new JsonObject { ["content"] = token.Text },
            };
            if (delta is not null)
                await Send(FakeWire.Chunk(_id, _model, delta));
            emitted++;
            Interlocked.Increment(ref record._tokensSent);
            if (token.Kind == TokenKind.Reasoning)
                reasoning++;
        }
        Finished:
        await Send(FakeWire.Chunk(_id, _model, new JsonObject(), finish));
        if (FakePrompt.IncludeUsage(request) && !_options.OmitUsage)
            await Send(FakeWire.Usage(_id, _model, _options, promptTokens, emitted, reasoning));
        await SendDone();
        server.Completed();
    }

    /// <summary>What follows <c>&lt;/think&gt;</c> in the thinking token.</summary>
    private const string AfterThinkEnd = "\n\n";

    private enum TokenKind { Reasoning, ThinkEnd, Content, ToolCall }

    private sealed record Token(TokenKind Kind, string Text, JsonObject? ToolCall = null);

    private List<Token> Plan(bool thinking)
    {
        var tokens = new List<Token>();
        if (thinking)
        {
            for (var i = 0; i < _options.ReasoningTokens; i++)
                tokens.Add(new Token(TokenKind.Reasoning, i == 0 ? "r0" : $" r{i}"));
            tokens.Add(new Token(TokenKind.ThinkEnd, "\n</think>" + AfterThinkEnd));
        }
        if (behavior is FakeBehavior.RawToolCall raw)
        {
            // The InternLM2 action format as a server without a tool parser streams it: plain content.
            var action = new JsonObject { ["name"] = raw.Name, ["parameters"] = JsonNode.Parse(raw.ArgumentsJson) }.ToJsonString();
            tokens.Add(new Token(TokenKind.Content, "<|action_start|><|plugin|>"));
            tokens.Add(new Token(TokenKind.Content, action));
            tokens.Add(new Token(TokenKind.Content, "<|action_end|>"));
            return tokens;
        }
        if (behavior is FakeBehavior.ToolCall call)
        {
            var half = call.ArgumentsJson.Length / 2;
            tokens.Add(new Token(TokenKind.ToolCall, "", new JsonObject
            {
                ["index"] = 0, ["id"] = "call-0", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            }));
            tokens.Add(new Token(TokenKind.ToolCall, "", new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = call.ArgumentsJson[..half] } }));
            tokens.Add(new Token(TokenKind.ToolCall, "", new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = call.ArgumentsJson[half..] } }));
            return tokens;
        }
        for (var i = 0; i < _options.ContentTokens; i++)
            tokens.Add(new Token(TokenKind.Content, i == 0 ? "c0" : $" c{i}"));
        return tokens;
    }

    private async Task Send(JsonObject chunk)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", Aborted);
        await context.Response.Body.FlushAsync(Aborted);
    }

    private async Task SendDone()
    {
        await context.Response.WriteAsync("data: [DONE]\n\n", Aborted);
        await context.Response.Body.FlushAsync(Aborted);
    }
}
