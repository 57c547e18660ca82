namespace InternS1.Batch.FakeOpenAi;

/// <summary>A scripted behaviour for the next chat request (<see cref="FakeOpenAiServer.Enqueue"/>); requests
/// with no script left behave normally.</summary>
public abstract record FakeBehavior
{
    private FakeBehavior() { }

    /// <summary>Answer with this status and an error body in the flavor's shape (and <c>Retry-After</c> when given).</summary>
    public sealed record Status(int Code, string Message = "scripted failure", int? RetryAfterSeconds = null) : FakeBehavior;

    /// <summary>Send the headers at once, then wait this long before the first event.</summary>
    public sealed record SlowFirstToken(TimeSpan Delay) : FakeBehavior;

    /// <summary>Drop the connection after this many tokens.</summary>
    public sealed record DropAfter(int Tokens) : FakeBehavior;

    /// <summary>After this many tokens, send <c>data: {"error": {...}}</c> inside the 200 stream and end it.</summary>
    public sealed record ErrorEventAfter(int Tokens, string Message = "scripted error event") : FakeBehavior;

    /// <summary>After this many tokens, finish with this <c>finish_reason</c> (<c>abort</c>, <c>error</c>, <c>length</c>, ...).</summary>
    public sealed record FinishWith(string Reason, int Tokens) : FakeBehavior;

    /// <summary>After this many tokens, send nothing more until the client goes away.</summary>
    public sealed record StallAfter(int Tokens) : FakeBehavior;

    /// <summary>Never send anything (not even headers) until the client goes away.</summary>
    public sealed record NeverAnswer : FakeBehavior;

    /// <summary>After the reasoning, call this tool (name in one delta, arguments in two) and finish with <c>tool_calls</c>.</summary>
    public sealed record ToolCall(string Name, string ArgumentsJson) : FakeBehavior;

    /// <summary>After the reasoning, stream the call as raw InternLM2 action text in the content
    /// (<c>&lt;|action_start|&gt;&lt;|plugin|&gt;{"name", "parameters"}&lt;|action_end|&gt;</c>, three tokens) and finish
    /// with <c>stop</c>: a server started without a tool-call parser.</summary>
    public sealed record RawToolCall(string Name, string ArgumentsJson) : FakeBehavior;
}
