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
}
