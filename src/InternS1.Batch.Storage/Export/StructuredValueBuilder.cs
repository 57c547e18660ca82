using System.Text.Json;
using InternS1.Batch.Contracts.Batch;

namespace InternS1.Batch.Storage.Export;

/// <summary>The lines of <c>interns1 export --structured-only</c>: the parsed answer of every result whose structured
/// answer validated, with its <c>custom_id</c>. Results without a structured <c>response_format</c>, invalid answers and
/// jobs without a result are left out (<see cref="Build"/> returns null for them).</summary>
public static class StructuredValueBuilder
{
    /// <summary>The line of <paramref name="row"/>, or null when it has no valid structured answer.</summary>
    public static StructuredValueLine? Build(ExportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.StructuredValid != true || row.Content is null) return null;
        using var document = JsonDocument.Parse(row.Content, new JsonDocumentOptions { MaxDepth = 4096 });
        return new StructuredValueLine { CustomId = row.CustomId, Value = document.RootElement.Clone() };
    }

    /// <summary>The line as one line of JSON.</summary>
    public static string ToJsonLine(StructuredValueLine line) => JsonSerializer.Serialize(line);
}
