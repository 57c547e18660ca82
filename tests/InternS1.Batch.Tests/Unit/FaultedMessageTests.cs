using System.Text;
using InternS1.Batch.Worker.ErrorQueue;

namespace InternS1.Batch.Tests.Unit;

public class FaultedMessageTests
{
    private static Dictionary<string, object?> Headers(string type, string message, int retries = 0) => new()
    {
        ["MT-Reason"] = Encoding.UTF8.GetBytes("fault"),
        ["MT-Fault-ExceptionType"] = Encoding.UTF8.GetBytes(type),
        ["MT-Fault-Message"] = Encoding.UTF8.GetBytes(message),
        ["MT-Fault-RetryCount"] = retries,
    };

    [Fact]
    public void A_body_that_is_not_json_is_a_malformed_message_keyed_by_its_message_id()
    {
        var r = FaultedMessage.ToDeadLetter("hello"u8, Headers("MassTransit.SerializationException", "bad"), "m-1", fromSkippedQueue: false);
        Assert.Equal("malformed_message", r.ReasonCode);
        Assert.Equal("message:m-1", r.JobId);
        Assert.StartsWith("message: the body is not JSON", r.Message);
        Assert.Equal("""{"raw_text":"hello"}""", r.PayloadJson);
        Assert.Equal("dead_lettered", r.FinalStatus);
    }

    [Fact]
    public void A_job_with_a_wrongly_typed_field_is_malformed_and_the_message_names_the_path()
    {
        var body = """{"job_id":"j9","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"x"}],"sampling":{"top_p":"high"}}"""u8;
        var r = FaultedMessage.ToDeadLetter(body, Headers("MassTransit.SerializationException", "envelope"), null, false);
        Assert.Equal("malformed_message", r.ReasonCode);
        Assert.Equal("j9", r.JobId);
        Assert.Equal("d", r.Dataset);
        Assert.Contains("$.sampling.top_p", r.Message);
    }

    [Fact]
    public void A_transient_fault_past_its_retries_is_retries_exhausted_and_counts_attempts()
    {
        var body = """{"messageId":"x","messageType":["urn:message:InternS1.Batch.Contracts.Jobs:SubmitPromptJob"],"message":{"job_id":"j1","dataset":"d","custom_id":"c","messages":[]}}"""u8;
        var r = FaultedMessage.ToDeadLetter(body, Headers("InternS1.Batch.Worker.Execution.TransientJobException", "oom", retries: 3), null, false);
        Assert.Equal("retries_exhausted", r.ReasonCode);
        Assert.Equal("j1", r.JobId);
        Assert.Equal(4, r.Attempts);
        Assert.Equal("failed", r.FinalStatus);
        Assert.Equal("""{"job_id":"j1","dataset":"d","custom_id":"c","messages":[]}""", r.PayloadJson);
    }

    [Fact]
    public void Any_other_fault_is_an_engine_error_and_a_skipped_message_is_malformed()
    {
        var body = """{"job_id":"j1","dataset":"d","custom_id":"c","messages":[]}"""u8;
        Assert.Equal("engine_error", FaultedMessage.ToDeadLetter(body, Headers("System.NullReferenceException", "x"), null, false).ReasonCode);
        Assert.Equal("engine_error", FaultedMessage.ToDeadLetter(body, Headers("Npgsql.PostgresException", "22021: invalid byte sequence"), null, false).ReasonCode);
        Assert.Equal("retries_exhausted", FaultedMessage.ToDeadLetter(body, Headers("Npgsql.NpgsqlException", "connection refused", retries: 2), null, false).ReasonCode);
        var skipped = FaultedMessage.ToDeadLetter("""{"messageId":"m","messageType":["urn:message:Other:Thing"],"message":{}}"""u8, null, null, true);
        Assert.Equal("malformed_message", skipped.ReasonCode);
        Assert.Equal("message:m", skipped.JobId);
        Assert.Contains("urn:message:Other:Thing", skipped.Message);
    }

    [Fact]
    public void A_string_with_a_lone_surrogate_escape_is_a_malformed_message_naming_its_path_and_keeps_the_text_as_raw_text()
    {
        var body = """{"job_id":"j-s","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"a\ud800b"}]}"""u8;
        var r = FaultedMessage.ToDeadLetter(body, Headers("MassTransit.SerializationException", "bad"), "m-s", fromSkippedQueue: false);
        Assert.Equal("malformed_message", r.ReasonCode);
        Assert.Equal("message: $.messages[0].content: the string holds an unpaired UTF-16 surrogate escape (\\ud800); text must be valid Unicode", r.Message);
        Assert.Equal(("j-s", "d", "c"), (r.JobId, r.Dataset, r.CustomId));
        Assert.Equal(Encoding.UTF8.GetString(body), System.Text.Json.Nodes.JsonNode.Parse(r.PayloadJson)!["raw_text"]!.GetValue<string>());
    }

    [Fact]
    public void Reading_a_lone_surrogate_reports_the_claimed_job_as_a_read_failure_without_job_json()
    {
        var body = """{"job_id":"j-s","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"a\ud800b"}]}"""u8;
        var reading = FaultedMessage.Read(body, Headers("MassTransit.SerializationException", "bad"), "m-s", fromSkippedQueue: false);
        Assert.Equal(("j-s", "message:m-s", true), (reading.ClaimedJobId, reading.MessageKey, reading.IsReadFailure));
        Assert.Null(reading.JobJson);
        Assert.True(reading.HasFaultHeaders);
    }

    [Fact]
    public void A_body_that_is_not_utf8_is_a_malformed_message_naming_the_first_bad_byte_and_keeps_the_bytes()
    {
        byte[] body = [.. """{"job_id":"j-u","dataset":"d","custom_id":"c","messages":[{"role":"user","content":"a"""u8.ToArray(), 0xC3, 0x28, .. "b\"}]}"u8.ToArray()];
        var r = FaultedMessage.ToDeadLetter(body, Headers("System.Text.DecoderFallbackException", "Unable to translate bytes [C3]"), "m-u", fromSkippedQueue: false);
        Assert.Equal("malformed_message", r.ReasonCode);
        Assert.StartsWith($"message: the body is not valid UTF-8 (byte {Array.IndexOf(body, (byte)0xC3)}", r.Message);
        Assert.Equal("j-u", r.JobId);
        Assert.Equal(Convert.ToBase64String(body), System.Text.Json.Nodes.JsonNode.Parse(r.PayloadJson)!["raw_base64"]!.GetValue<string>());
    }

    [Fact]
    public void Reading_never_throws_whatever_the_body_and_headers_hold()
    {
        var random = new Random(20261201);
        string[] fragments = ["{", "}", "[", "]", "\"", ":", ",", "\\ud800", "\\udc00", "\\u0000", "job_id", "message", "messageType", "null", "1e999", "\\"];
        for (var i = 0; i < 2000; i++)
        {
            byte[] body = i % 2 == 0
                ? Enumerable.Range(0, random.Next(0, 64)).Select(_ => (byte)random.Next(256)).ToArray()
                : Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(0, 24)).Select(_ => fragments[random.Next(fragments.Length)])));
            var headers = new Dictionary<string, object?>
            {
                ["MT-Fault-ExceptionType"] = i % 3 == 0 ? null : body,
                ["MT-Fault-RetryCount"] = i % 5 == 0 ? "many" : (object)random.Next(-3, 9),
                ["MT-Fault-Message"] = new byte[] { 0xFF, 0xFE },
            };
            var r = FaultedMessage.ToDeadLetter(body, headers, i % 7 == 0 ? null : new string('x', random.Next(0, 300)), fromSkippedQueue: i % 4 == 0);
            Assert.False(string.IsNullOrEmpty(r.JobId));
            Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(r.PayloadJson));
        }
    }
}
