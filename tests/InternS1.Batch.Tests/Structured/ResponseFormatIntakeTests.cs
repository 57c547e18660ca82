using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Tests.Structured;

/// <summary><c>response_format</c> and <c>max_reasoning_tokens</c> at intake: the OpenAI shape passes, every problem is
/// refused naming its field, a schema problem naming the JSON pointer of the keyword behind the field.</summary>
public class ResponseFormatIntakeTests
{
    private static readonly SubmitPromptJobValidator Validator = new(Microsoft.Extensions.Options.Options.Create(new JobValidationOptions()), TimeProvider.System);

    private const string Good = """{"job_id":"j1","dataset":"d","custom_id":"c1","messages":[{"role":"user","content":"hi"}]""";

    private static JobRejection? Check(string extra) => Validator.Validate(JobPayload.Deserialize(Good + extra + "}"));

    [Theory]
    [InlineData(""","response_format":{"type":"text"}""")]
    [InlineData(""","response_format":{"type":"json_object"}""")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"name":"label_v1","strict":true,"schema":{"type":"object","properties":{"label":{"enum":["a","b"]}},"required":["label"],"additionalProperties":false}}}""")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"schema":true}}""")]
    [InlineData(""","sampling":{"max_new_tokens":100,"max_reasoning_tokens":99}""")]
    public void The_openai_shapes_and_a_reasoning_budget_below_max_new_tokens_pass(string extra) => Assert.Null(Check(extra));

    [Theory]
    [InlineData(""","response_format":{"type":"xml"}""", "response_format.type: 'xml' is not one of text, json_object, json_schema")]
    [InlineData(""","response_format":{}""", "response_format.type: '' is not one of")]
    [InlineData(""","response_format":{"type":"json_schema"}""", "response_format.json_schema: must be an object with a schema")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"name":"x"}}""", "response_format.json_schema.schema: is missing")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"name":"has space","schema":{}}}""", "response_format.json_schema.name: 'has space' must be 1-64 letters")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"tags":{"type":"array","uniqueItems":true}}}}}""",
        "response_format.json_schema.schema/properties/tags/uniqueItems: keyword 'uniqueItems' is not supported")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"x":{"not":{"type":"null"}}}}}}""",
        "response_format.json_schema.schema/properties/x/not: keyword 'not' is not supported")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"schema":{"type":"strnig"}}}""", "response_format.json_schema.schema/type: ")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"schema":{"properties":{"a":{"$ref":"#/$defs/missing"}}}}}""", "response_format.json_schema.schema/properties/a/$ref: ")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"schema":{"type":"string","pattern":"(?=a)b"}}}""", "response_format.json_schema.schema/pattern: pattern is not supported")]
    public void A_bad_response_format_is_an_invalid_field_naming_the_pointer(string extra, string messageStart)
    {
        var rejection = Check(extra);
        Assert.NotNull(rejection);
        Assert.Equal("invalid_field", rejection.ReasonCode);
        Assert.StartsWith(messageStart, rejection.Message);
    }

    [Theory]
    [InlineData(""","sampling":{"max_reasoning_tokens":0}""", "sampling.max_reasoning_tokens: 0 must be positive")]
    [InlineData(""","sampling":{"max_new_tokens":10,"max_reasoning_tokens":10}""", "sampling.max_reasoning_tokens: 10 must be below max_new_tokens (10)")]
    public void A_reasoning_budget_that_leaves_no_answer_is_invalid_sampling(string extra, string messageStart)
    {
        var rejection = Check(extra);
        Assert.NotNull(rejection);
        Assert.Equal("invalid_sampling", rejection.ReasonCode);
        Assert.StartsWith(messageStart, rejection.Message);
    }

    [Fact]
    public void An_openai_batch_line_keeps_its_response_format()
    {
        const string line = """{"custom_id":"r1","method":"POST","url":"/v1/chat/completions","body":{"model":"x","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"enum":[1,2]}}},"max_completion_tokens":50}}""";
        var (jobs, problems) = JobFileReader.Read(new StringReader(line), "d");
        Assert.Empty(problems);
        var job = JobPayload.Deserialize(Assert.Single(jobs).Job.ToJsonString());
        Assert.Equal("json_schema", job.ResponseFormat!.Type);
        Assert.Equal("n", job.ResponseFormat.JsonSchema!.Name);
        Assert.Equal("""{"enum":[1,2]}""", job.ResponseFormat.JsonSchema.Schema!.Value.GetRawText());
        Assert.Null(Validator.Validate(job));
    }
}
