using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Jobs;

namespace InternS1.Batch.Worker.Validation;

/// <summary>
/// The content hash stored with every job (<c>jobs.payload_hash</c>): lower-case hex SHA-256 of a canonical JSON object
/// holding exactly the fields in <see cref="Fields"/> that the job has (absent and null fields are left out). Canonical:
/// the job is read into the contract first (so spelling and whitespace do not matter), object keys are sorted
/// (ordinal), integers are written as integers, other numbers in their shortest round-trip form without trailing
/// zeros, strings as JSON escapes them. Left out on purpose: <c>job_id</c> (the key the hash guards), <c>priority</c>,
/// <c>deadline</c> and <c>metadata</c> (bookkeeping that does not change the answer). A redelivery with the same
/// <c>job_id</c> and hash is the same job; the same <c>job_id</c> with another hash is another job.
/// </summary>
public static class JobContentHash
{
    /// <summary>The JSON fields of a job that make up its content, as hashed.</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["chat_template_kwargs", "custom_id", "dataset", "enable_thinking", "messages", "response_format", "sampling", "tools"];

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The hash of <paramref name="job"/>.</summary>
    public static string Compute(SubmitPromptJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return ComputeFromPayload(JsonSerializer.SerializeToUtf8Bytes(job, Options));
    }

    /// <summary>The hash of the job whose JSON, as <see cref="Consumers.JobPayload"/> writes it (the contract serialized with
    /// null fields left out), is <paramref name="payloadUtf8"/>: the same hash as <see cref="Compute"/> of that job, without
    /// serializing it again (the consumer stores that text anyway).</summary>
    public static string ComputeFromPayload(ReadOnlyMemory<byte> payloadUtf8)
    {
        // NOTE: read-only JSON elements instead of a mutable node tree (no copy of each hashed field); the canonical
        // text is the same byte for byte (the same number and string rules), which the hand-computed digests of the tests pin.
        using var document = JsonDocument.Parse(payloadUtf8);
        var root = document.RootElement;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = new HashStream(hash))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var field in Fields) // already in ordinal order
            {
                if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                    continue;
                writer.WritePropertyName(field);
                WriteCanonical(writer, value);
            }
            writer.WriteEndObject();
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer)) writer.WriteNumberValue(integer);
                else if (element.TryGetDecimal(out var d) && d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue) writer.WriteNumberValue((long)d);
                else writer.WriteRawValue(element.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>A write-only stream into an <see cref="IncrementalHash"/> (the canonical text is never held whole).</summary>
    private sealed class HashStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
