using System.Text.Json;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Tests.Unit;

public class SubmitPromptJobValidatorTests
{
    private static readonly SubmitPromptJobValidator Validator = new(Microsoft.Extensions.Options.Options.Create(new JobValidationOptions()), TimeProvider.System);

    private const string Good = """{"job_id":"j1","dataset":"d","custom_id":"c1","messages":[{"role":"user","content":"hi"}]""";

    private static JobRejection? Check(string extra) => Validator.Validate(JobPayload.Deserialize(Good + extra + "}"));

    [Fact]
    public void A_minimal_job_passes()
        => Assert.Null(Check(""));

    [Theory]
    [InlineData(""","sampling":{"top_p":0}""", "invalid_sampling", "sampling.top_p: 0 is not in (0, 1]")]
    [InlineData(""","sampling":{"top_p":1.5}""", "invalid_sampling", "sampling.top_p: 1.5 is not in (0, 1]")]
    [InlineData(""","sampling":{"temperature":2.5}""", "invalid_sampling", "sampling.temperature: 2.5 is not in [0, 2]")]
    [InlineData(""","sampling":{"top_k":-2}""", "invalid_sampling", "sampling.top_k: -2 must be")]
    [InlineData(""","sampling":{"min_p":1.01}""", "invalid_sampling", "sampling.min_p: 1.01 is not in [0, 1]")]
    [InlineData(""","sampling":{"max_new_tokens":-5}""", "invalid_sampling", "sampling.max_new_tokens: -5 must be positive")]
    [InlineData(""","sampling":{"max_new_tokens":0}""", "invalid_sampling", "sampling.max_new_tokens: 0 must be positive")]
    [InlineData(""","sampling":{"stop":["a",""]}""", "invalid_sampling", "sampling.stop[1]: must be a non-empty string")]
    [InlineData(""","sampling":{"stop":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17"]}""", "invalid_sampling", "sampling.stop: has 17 strings, the limit is 16")]
    [InlineData(""","deadline":"2999-01-01T00:00:00Z" """, "invalid_field", "deadline: 2999-01-01")]
    [InlineData(""","tools":[{"type":"retrieval","function":{"name":"f"}}]""", "invalid_field", "tools[0].type: 'retrieval' is not supported")]
    public void An_out_of_range_field_is_rejected_with_its_name(string extra, string reason, string messageStart)
    {
        var rejection = Check(extra);
        Assert.NotNull(rejection);
        Assert.Equal(reason, rejection.ReasonCode);
        Assert.StartsWith(messageStart, rejection.Message);
    }

    [Theory]
    [InlineData(101, "priority: 101 is not in [-100, 100]")]
    [InlineData(-101, "priority: -101 is not in [-100, 100]")]
    [InlineData(2147483647, "priority: 2147483647 is not in [-100, 100]")]
    public void A_priority_outside_the_documented_range_is_an_invalid_field(int priority, string message)
    {
        var rejection = Check($",\"priority\":{priority}");
        Assert.Equal(("invalid_field", "priority", message), (rejection?.ReasonCode, rejection?.Field, rejection?.Message));
    }

    [Theory]
    [InlineData(-100)]
    [InlineData(0)]
    [InlineData(100)]
    public void A_priority_inside_the_range_passes(int priority) => Assert.Null(Check($",\"priority\":{priority}"));

    [Fact]
    public void More_media_parts_than_Validation_MaxMediaParts_are_refused_across_messages()
    {
        static string Parts(int n) => string.Join(",", Enumerable.Repeat("""{"type":"image","url":"https://example.org/a.png"}""", n));
        var json = $$"""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{{Parts(12)}}]},{"role":"user","content":[{{Parts(12)}}]},{"role":"user","content":[{{Parts(9)}},{"type":"video","path":"v.mp4"}]}]}""";
        var rejection = Validator.Validate(JobPayload.Deserialize(json));
        Assert.Equal(("invalid_field", "messages: has 34 image and video parts, the limit is 32 (Validation:MaxMediaParts)"), (rejection?.ReasonCode, rejection?.Message));

        var wider = new SubmitPromptJobValidator(Microsoft.Extensions.Options.Options.Create(new JobValidationOptions { MaxMediaParts = 34 }), TimeProvider.System);
        Assert.Null(wider.Validate(JobPayload.Deserialize(json)));
    }

    [Fact]
    public void More_media_parts_in_one_message_than_Validation_MaxMediaPartsPerMessage_are_refused_naming_the_message()
    {
        static string Parts(int n) => string.Join(",", Enumerable.Repeat("""{"type":"image_url","image_url":{"url":"https://example.org/a.png"}}""", n));
        var json = $$"""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{{Parts(15)}}]},{"role":"user","content":[{"type":"text","text":"and"},{{Parts(16)}},{"type":"video","url":"https://example.org/v.mp4"}]}]}""";
        var rejection = Validator.Validate(JobPayload.Deserialize(json));
        Assert.Equal(("invalid_field", "messages[1].content: has 17 image and video parts, the limit per message is 16 (Validation:MaxMediaPartsPerMessage)"),
            (rejection?.ReasonCode, rejection?.Message));

        var wider = new SubmitPromptJobValidator(Microsoft.Extensions.Options.Options.Create(new JobValidationOptions { MaxMediaPartsPerMessage = 17 }), TimeProvider.System);
        Assert.Null(wider.Validate(JobPayload.Deserialize(json)));
    }

    [Fact]
    public void Boundary_values_pass()
        => Assert.Null(Check(""","sampling":{"top_p":1,"temperature":0,"top_k":-1,"min_p":0,"max_new_tokens":1,"stop":["</s>"]}"""));

    [Theory]
    [InlineData("""{"job_id":"","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"x"}]}""", "invalid_field", "job_id: must be a non-empty string")]
    [InlineData("""{"job_id":"j","dataset":" ","custom_id":"c","messages":[{"role":"user","content":"x"}]}""", "invalid_field", "dataset: must be a non-empty string")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"","messages":[{"role":"user","content":"x"}]}""", "invalid_field", "custom_id: must be a non-empty string")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[]}""", "invalid_field", "messages: must contain at least one message")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"x"},{"role":"robot","content":"y"}]}""", "invalid_field", "messages[1].role: 'robot' is not one of system, user, assistant, tool")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"audio","url":"x"}]}]}""", "unsupported_content", "messages[0].content[1].type: 'audio' is not supported")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{"type":"image","url":"http://x/a.png","path":"a.png"}]}]}""", "invalid_field", "messages[0].content[0]: an image part needs exactly one of url, path, base64 (found 2)")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{"type":"video","base64":"AAAA"}]}]}""", "unsupported_content", "messages[0].content[0].base64: inline video is not supported")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user"}]}""", "invalid_field", "messages[0].content: must be set for a user message")]
    public void A_bad_message_field_is_rejected_with_its_path(string json, string reason, string messageStart)
    {
        var rejection = Validator.Validate(JobPayload.Deserialize(json));
        Assert.NotNull(rejection);
        Assert.Equal(reason, rejection.ReasonCode);
        Assert.StartsWith(messageStart, rejection.Message);
    }

    [Theory]
    [InlineData("""{"job_id":" ","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"x"}]}""", "job_id")]
    [InlineData("""{"job_id":"j","dataset":"d\u0007","custom_id":"c","messages":[{"role":"user","content":"x"}]}""", "dataset")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"x"}],"sampling":{"stop":["a",""]}}""", "sampling.stop[1]")]
    [InlineData("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{"type":"video","path":"v.mp4","num_frames":0}]}]}""", "messages[0].content[0].num_frames")]
    public void A_rejection_carries_the_field_at_fault_as_data(string json, string field)
    {
        var rejection = Validator.Validate(JobPayload.Deserialize(json));
        Assert.NotNull(rejection);
        Assert.Equal(field, rejection.Field);
        Assert.Equal($"{field}: {rejection.Detail}", rejection.Message);
    }

    [Fact]
    public void Identity_alone_is_checked_by_the_identity_check()
    {
        // A job with a bad sampling value but a good identity passes the identity check.
        var job = JobPayload.Deserialize(Good + ""","sampling":{"top_p":0}}""");
        Assert.Null(Validator.ValidateIdentity(job));
        Assert.Equal("job_id", Validator.ValidateIdentity(job with { JobId = new string('j', 201) })!.Field);
        Assert.Equal("is 201 characters long, the limit is 200", Validator.ValidateIdentity(job with { JobId = new string('j', 201) })!.Detail);
    }

    [Theory]
    [InlineData("""{"type":"image","url":"","path":"a.png"}""", "an image part needs exactly one of url, path, base64 (found 2)")]
    [InlineData("""{"type":"image","base64":"","url":"https://x/a.png"}""", "an image part needs exactly one of url, path, base64 (found 2)")]
    [InlineData("""{"type":"image","url":""}""", "an image part needs exactly one of url, path, base64 (found 0)")]
    [InlineData("""{"type":"video","url":"","path":"v.mp4"}""", "a video part needs exactly one of url, path (found 2)")]
    public void An_empty_source_never_counts_as_the_one_source(string part, string detail)
    {
        var rejection = Validator.Validate(JobPayload.Deserialize($$"""{"job_id":"j","dataset":"d","custom_id":"c","messages":[{"role":"user","content":[{{part}}]}]}"""));
        Assert.NotNull(rejection);
        Assert.Equal(("invalid_field", "messages[0].content[0]", detail), (rejection.ReasonCode, rejection.Field, rejection.Detail));
    }

    [Fact]
    public void An_assistant_turn_with_tool_calls_may_have_no_content()
    {
        var json = Good.Replace("""[{"role":"user","content":"hi"}]""",
            """[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"1","content":"42"}]""") + "}";
        Assert.Null(Validator.Validate(JobPayload.Deserialize(json)));
    }

    [Fact]
    public void A_job_without_a_required_field_cannot_be_read_and_the_error_names_it()
    {
        var ex = Assert.Throws<JsonException>(() => JobPayload.Deserialize("""{"job_id":"j","dataset":"d","messages":[]}"""));
        Assert.Contains("custom_id", ex.Message);
    }
}
