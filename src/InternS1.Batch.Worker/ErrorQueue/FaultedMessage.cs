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
/// A body that does not read as a job (not UTF-8, not JSON, a string that is not valid Unicode, a wrongly typed
/// field, another message type) is <c>malformed_message</c>; a fault that was retried (<c>MT-Fault-RetryCount</c>
/// &gt; 0: the retry policy only handles transient faults) is <c>retries_exhausted</c>; anything else
/// <c>engine_error</c>. Never throws: whatever cannot be read ends as <c>malformed_message</c> keyed by the message.
/// </summary>
public static class FaultedMessage
{
    /// <summary>Builds the record. <paramref name="fromSkippedQueue"/>: the message came from <c>_skipped</c>.</summary>
    public static DeadLetterRecord ToDeadLetter(ReadOnlySpan<byte> body, IDictionary<string, object?>? headers, string? amqpMessageId, bool fromSkippedQueue)
        => Read(body, headers, amqpMessageId, fromSkippedQueue).Record;

    /// <summary>Reads the message into a record and the facts needed to attribute it to a job (never throws).</summary>
    public static FaultReading Read(ReadOnlySpan<byte> body, IDictionary<string, object?>? headers, string? amqpMessageId, bool fromSkippedQueue)
    {
        var hasFaultHeaders = Header(headers, "MT-Fault-ExceptionType") is not null;
        var bodyKey = "message:" + (string.IsNullOrWhiteSpace(amqpMessageId) || !JobIdentity.IsUsableJobId("message:" + amqpMessageId)
            ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..32].ToLowerInvariant()
            : amqpMessageId);
        try
        {
            return ReadCore(body, headers, amqpMessageId, fromSkippedQueue, hasFaultHeaders);
        }
        catch (Exception ex)
        {
            // NOTE: nothing a message holds may stop the recorder (a throw here left the message unacknowledged
            // forever and, once the prefetch was full, stopped every later failure from being recorded).
            var record = new DeadLetterRecord
            {
                JobId = bodyKey,
                ReasonCode = FailureReasons.MalformedMessage,
                Message = $"message: could not be read ({ex.GetType().Name}: {ex.Message})",
                PayloadJson = RawPayload(body),
                Attempts = 1,
                FinalStatus = JobStatus.DeadLettered,
                Source = fromSkippedQueue ? DeadLetterSources.SkippedQueue : DeadLetterSources.ErrorQueue,
            };
            return new FaultReading(record, bodyKey, null, IsReadFailure: true, JobJson: null, hasFaultHeaders);
        }
    }

    private static FaultReading ReadCore(ReadOnlySpan<byte> body, IDictionary<string, object?>? headers, string? amqpMessageId, bool fromSkippedQueue, bool hasFaultHeaders)
    {
        var exceptionType = Header(headers, "MT-Fault-ExceptionType");
        var faultMessage = Header(headers, "MT-Fault-Message");
        var stack = Header(headers, "MT-Fault-StackTrace");
        var retries = int.TryParse(Header(headers, "MT-Fault-RetryCount"), out var r) ? Math.Max(r, 0) : 0;

        // Text problems first: they make every later reading of the body throw.
        var badByte = JsonTextProblems.InvalidUtf8Offset(body);
        var badString = JsonTextProblems.UnreadableString(body);
        var envelope = badByte is null ? TryParseObject(body) : TryParseObject(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body)));
        var message = envelope?["message"] as JsonObject ?? (envelope?.ContainsKey("messageType") == true ? null : envelope);
        var jobId = Text(message, "job_id");
        var messageId = Text(envelope, "messageId") ?? amqpMessageId ?? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..32].ToLowerInvariant();
        var messageKey = JobIdentity.IsUsableJobId("message:" + messageId) ? "message:" + messageId
            : "message:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..32].ToLowerInvariant();
        var textIsSound = badByte is null && badString is null;

        string reason;
        string text;
        if (!textIsSound)
        {
            reason = FailureReasons.MalformedMessage;
            text = badByte is { } at
                ? $"message: the body is not valid UTF-8 (byte {at}{(badString is null ? "" : "; " + badString)})"
                : "message: " + badString;
        }
        else if (fromSkippedQueue)
        {
            reason = FailureReasons.MalformedMessage;
            var types = envelope?["messageType"] is JsonArray a ? string.Join(", ", a.Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : "?")) : "unknown";
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

        var usableJobId = JobIdentity.IsUsableJobId(jobId) ? jobId : null;
        var jobJson = textIsSound ? message?.ToJsonString() : null;
        var record = new DeadLetterRecord
        {
            JobId = usableJobId ?? messageKey,
            Dataset = Text(message, "dataset"),
            CustomId = Text(message, "custom_id"),
            ReasonCode = reason,
            Message = text,
            Exception = exceptionType is null ? null : $"{exceptionType}: {faultMessage}{(stack is null ? "" : "\n" + stack)}",
            PayloadJson = jobJson ?? (textIsSound ? DeadLetterPayload.FromBody(body) : RawPayload(body)),
            Attempts = retries + 1,
            FinalStatus = FailureStatus.For(reason),
            Source = fromSkippedQueue ? DeadLetterSources.SkippedQueue : DeadLetterSources.ErrorQueue,
        };
        return new FaultReading(record, messageKey, usableJobId, IsReadFailure: reason == FailureReasons.MalformedMessage, jobJson, hasFaultHeaders);
    }

    private static bool IsSerializationFault(string? exceptionType)
        => exceptionType is null || exceptionType.Contains("Serialization", StringComparison.Ordinal) || exceptionType.Contains("Json", StringComparison.Ordinal)
           || exceptionType.Contains("DecoderFallback", StringComparison.Ordinal);

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
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            return $"could not be read as a job ({ex.Message})";
        }
    }

    /// <summary>The body as stored when it cannot be trusted as JSON text: <c>raw_text</c> when it is valid
    /// UTF-8 without NUL, else <c>raw_base64</c>.</summary>
    private static string RawPayload(ReadOnlySpan<byte> body)
    {
        if (JsonTextProblems.InvalidUtf8Offset(body) is null)
        {
            var text = Encoding.UTF8.GetString(body);
            if (!text.Contains('\0'))
                return new JsonObject { ["raw_text"] = text }.ToJsonString();
        }
        return new JsonObject { ["raw_base64"] = Convert.ToBase64String(body) }.ToJsonString();
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
    {
        if (o is null || !o.TryGetPropertyValue(name, out var v) || v is not JsonValue value)
            return null;
        try
        {
            return value.TryGetValue<string>(out var s) ? s : null;
        }
        catch (InvalidOperationException)
        {
            return null; // not valid text (an unpaired surrogate): not an identity to key anything by
        }
    }

    private static string? Header(IDictionary<string, object?>? headers, string name)
        => headers is not null && headers.TryGetValue(name, out var v)
            ? v switch { byte[] b => Encoding.UTF8.GetString(b), null => null, _ => v.ToString() }
            : null;
}
