using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Tests.Structured;

/// <summary>The judge of every structured answer, whichever executor produced it: JsonSchema.Net's verdict (format
/// assertion on) for <c>json_schema</c>, an object for <c>json_object</c>, nothing for free text.</summary>
public class StructuredResultValidatorTests
{
    private static readonly StructuredResultValidator Validator = new();

    private const string Label = """{"type":"object","properties":{"label":{"enum":["a","b"]},"day":{"type":"string","format":"date"}},"required":["label"],"additionalProperties":false}""";

    private static JobCompletion Answer(string content, string finish = "stop") => new()
    {
        Content = content, FinishReason = finish, Model = "m", Usage = new TokenUsageInfo(),
    };

    private static JobCompletion Judge(string format, string content, string finish = "stop") =>
        Validator.Validate(JobPayload.Deserialize($$"""{"job_id":"j","dataset":"d","custom_id":"c","messages":[],"response_format":{{format}}}"""), Answer(content, finish));

    private static string Schema(string schema) => $$$"""{"type":"json_schema","json_schema":{"name":"s","schema":{{{schema}}}}}""";

    [Theory]
    [InlineData("""{"label": "a"}""")]
    [InlineData("""{"label":"b","day":"2024-02-29"}""")]
    [InlineData(""" {"label": "a"} """)]
    public void A_valid_answer_is_marked_valid(string content)
    {
        var judged = Judge(Schema(Label), content);
        Assert.True(judged.StructuredValid);
        Assert.Null(judged.StructuredError);
    }

    [Theory]
    [InlineData("""{"label": "c"}""", "/label")]
    [InlineData("""{"label": "a", "extra": 1}""", "/extra")]
    [InlineData("""{"label": "a", "day": "2023-02-29"}""", "/day")]
    [InlineData("""{}""", "label")]
    public void An_answer_that_breaks_the_schema_is_invalid_with_the_location(string content, string location)
    {
        var judged = Judge(Schema(Label), content);
        Assert.False(judged.StructuredValid);
        Assert.StartsWith("the answer does not match the schema", judged.StructuredError);
        Assert.Contains(location, judged.StructuredError);
    }

    [Fact]
    public void A_value_cut_by_max_new_tokens_keeps_finish_reason_length_and_is_invalid()
    {
        var judged = Judge(Schema(Label), """{"label": "a""", finish: "length");
        Assert.Equal("length", judged.FinishReason);
        Assert.False(judged.StructuredValid);
        Assert.StartsWith("the answer is not JSON", judged.StructuredError);
        Assert.Equal("the answer is empty", Judge(Schema(Label), "", "length").StructuredError);
    }

    [Fact]
    public void Json_object_mode_wants_an_object_and_text_is_not_judged()
    {
        Assert.True(Judge("""{"type":"json_object"}""", """{"any": [1, {"x": null}]}""").StructuredValid);
        var array = Judge("""{"type":"json_object"}""", "[1, 2]");
        Assert.Equal((false, "the answer is an array, not a JSON object"), (array.StructuredValid, array.StructuredError));
        var text = Judge("""{"type":"text"}""", "free words");
        Assert.Equal((null, null), (text.StructuredValid, text.StructuredError));
        var none = Validator.Validate(JobPayload.Deserialize("""{"job_id":"j","dataset":"d","custom_id":"c","messages":[]}"""), Answer("x"));
        Assert.Null(none.StructuredValid);
    }

    [Fact]
    public void Two_schemas_with_the_same_id_are_judged_each_by_its_own()
    {
        var first = Schema("""{"$id":"https://example.com/s","type":"integer"}""");
        var second = Schema("""{"$id":"https://example.com/s","type":"string"}""");
        Assert.True(Judge(first, "3").StructuredValid);
        Assert.True(Judge(second, "\"x\"").StructuredValid);
        Assert.False(Judge(second, "3").StructuredValid);
    }
}
