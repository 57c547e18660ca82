using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Export;

namespace InternS1.Batch.Tests.Structured;

/// <summary>The structured fields of an OpenAI Batch output line and the lines of <c>export --structured-only</c>,
/// written out by hand.</summary>
public class StructuredExportTests
{
    private static ExportRow Row(string content, bool? valid, string? error = null) => new()
    {
        JobId = "j1", CustomId = "c1", Status = "succeeded", Content = content, ToolCallsJson = "[]", FinishReason = valid == false ? "length" : "stop",
        Model = "m", Seed = 3, StructuredValid = valid, StructuredError = error,
    };

    private static JsonNode Body(ExportRow row) => JsonNode.Parse(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)))!["response"]!["body"]!;

    [Fact]
    public void A_structured_result_carries_structured_valid_and_the_error_when_invalid()
    {
        var valid = Body(Row("""{"label": "a"}""", true));
        Assert.True(valid["structured_valid"]!.GetValue<bool>());
        Assert.Null(valid.AsObject()["structured_error"]);
        var invalid = Body(Row("""{"label": "a""", false, "the answer is not JSON: cut"));
        Assert.False(invalid["structured_valid"]!.GetValue<bool>());
        Assert.Equal("the answer is not JSON: cut", invalid["structured_error"]!.GetValue<string>());
        Assert.Equal("length", invalid["choices"]![0]!["finish_reason"]!.GetValue<string>());
        var text = Body(Row("free", null)).AsObject();
        Assert.False(text.ContainsKey("structured_valid"));
        Assert.False(text.ContainsKey("structured_error"));
    }

    [Fact]
    public void Structured_only_lines_hold_the_custom_id_and_the_parsed_value_of_valid_answers_only()
    {
        var line = StructuredValueBuilder.Build(Row("""{"label": "a", "n": [1, 2.5]}""", true));
        Assert.NotNull(line);
        Assert.Equal("""{"custom_id":"c1","value":{"label":"a","n":[1,2.5]}}""", StructuredValueBuilder.ToJsonLine(line));
        Assert.Equal("""{"custom_id":"c1","value":"just a string"}""", StructuredValueBuilder.ToJsonLine(StructuredValueBuilder.Build(Row("\"just a string\"", true))!));
        Assert.Null(StructuredValueBuilder.Build(Row("""{"label": "a""", false)));
        Assert.Null(StructuredValueBuilder.Build(Row("free", null)));
        Assert.Null(StructuredValueBuilder.Build(new ExportRow { JobId = "d", CustomId = "c", Status = "dead_lettered", ReasonCode = "invalid_field" }));
    }
}
