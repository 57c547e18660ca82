using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>
/// Turns a message found in the <c>_error</c> or <c>_skipped</c> queue (body + AMQP headers written by
/// MassTransit) into a dead-letter record: which job it was (when its body says), why it failed
/// (<c>MT-Fault-ExceptionType</c>, <c>MT-Fault-Message</c>, <c>MT-Reason</c>) and how often it was tried.
/// A fault that was retried (<c>MT-Fault-RetryCount</c> &gt; 0: the retry policy only handles transient
/// faults) is <c>retries_exhausted</c>; a body that does not read as a job is <c>malformed_message</c>;
/// anything else <c>engine_error</c>.
/// </summary>
public static class FaultedMessage
{
    /// <summary>Builds the record. <paramref name="fromSkippedQueue"/>: the message came from <c>_skipped</c>.</summary>
    public static DeadLetterRecord ToDeadLetter(ReadOnlySpan<byte> body, IDictionary<string, object?>? headers, string? amqpMessageId, bool fromSkippedQueue)
    {
        var exceptionType = Header(headers, "MT-Fault-ExceptionType");
        var faultMessage = Header(headers, "MT-Fault-Message");
        var stack = Header(headers, "MT-Fault-StackTrace");
        var retries = int.TryParse(Header(headers, "MT-Fault-RetryCount"), out var r) ? r : 0;

        var envelope = TryParseObject(body);
        var message = envelope?["message"] as JsonObject ?? (envelope?.ContainsKey("messageType") == true ? null : envelope);
        var payload = message?.ToJsonString() ?? DeadLetterPayload.FromBody(body);
        var jobId = Text(message, "job_id");
        var messageId = Text(envelope, "messageId") ?? amqpMessageId ?? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..32].ToLowerInvariant();

        string reason;
        string text;
        if (fromSkippedQueue)
        {
            reason = FailureReasons.MalformedMessage;
            var types = envelope?["messageType"] is JsonArray a ? string.Join(", ", a.Select(t => t?.ToString())) : "unknown";
            text = $"message: no consumer for its message type ({types}); jobs must be SubmitPromptJob messages";
        }
        else if (DescribeJsonProblem(message, body) is { } problem)
        {
            // NOTE: decided by reading the body again, not by the exception type: MassTransit's raw JSON
            // deserializer reads lazily, so a wrongly typed field surfaces as an InvalidOperationException.
            reason = FailureReasons.MalformedMessage;
            text = "message: " + problem;
        }
        else if (IsSerializationFault(exceptionType))
        {
            reason = FailureReasons.MalformedMessage;
            text = "message: " + (faultMessage ?? "could not be read as a job");
        }
        else if (exceptionType is not null && (retries > 0 || exceptionType.EndsWith("TransientJobException", StringComparison.Ordinal)))
        {
            reason = FailureReasons.RetriesExhausted;
            text = $"transient fault persisted after {retries + 1} attempts: {faultMessage}";
        }
        else
        {
            reason = FailureReasons.EngineError;
            text = $"unexpected fault: {exceptionType}: {faultMessage}";
        }

        return new DeadLetterRecord
        {
            JobId = JobIdentity.IsUsableJobId(jobId) ? jobId! : $"message:{messageId}",
            Dataset = Text(message, "dataset"),
            CustomId = Text(message, "custom_id"),
            ReasonCode = reason,
            Message = text,
            Exception = exceptionType is null ? null : $"{exceptionType}: {faultMessage}{(stack is null ? "" : "\n" + stack)}",
            PayloadJson = payload,
            Attempts = retries + 1,
            FinalStatus = FailureStatus.For(reason),
            Source = fromSkippedQueue ? DeadLetterSources.SkippedQueue : DeadLetterSources.ErrorQueue,
        };
    }

    private static bool IsSerializationFault(string? exceptionType)
        => exceptionType is null || exceptionType.Contains("Serialization", StringComparison.Ordinal) || exceptionType.Contains("Json", StringComparison.Ordinal);

    /// <summary>Reads the job again to name the field that broke deserialization (the fault header only
    /// says that the envelope could not be read).</summary>
    private static string? DescribeJsonProblem(JsonObject? message, ReadOnlySpan<byte> body)
    {
        if (message is null)
        {
            try
            {
                JsonNode.Parse(body);
                return "the body is JSON but not a job object";
            }
            catch (JsonException ex)
            {
                return $"the body is not JSON ({ex.Message})";
            }
        }
        try
        {
            JobPayload.Deserialize(message.ToJsonString());
            return null;
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
    }

    private static JsonObject? TryParseObject(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? o, string name)
        => o is not null && o.TryGetPropertyValue(name, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string? Header(IDictionary<string, object?>? headers, string name)
        => headers is not null && headers.TryGetValue(name, out var v)
            ? v switch { byte[] b => Encoding.UTF8.GetString(b), null => null, _ => v.ToString() }
            : null;
}
