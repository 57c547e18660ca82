namespace InternS1.Batch.Storage.Writing;

/// <summary>PostgreSQL cannot store U+0000 in <c>text</c> nor <c>\u0000</c> in <c>jsonb</c>: a job carrying
/// one would fail its write forever. Such characters are replaced before writing.</summary>
public static class PgText
{
    /// <summary>The text with U+0000 replaced by U+FFFD.</summary>
    public static string? Clean(string? text) => text is not null && text.Contains('\0') ? text.Replace('\0', '\uFFFD') : text;

    /// <summary>The JSON text with <c>\u0000</c> escapes replaced by <c>\ufffd</c> (and raw U+0000 by U+FFFD).</summary>
    public static string CleanJson(string json)
        => json.Contains("\\u0000", StringComparison.Ordinal) || json.Contains('\0')
            ? json.Replace("\\u0000", "\\ufffd", StringComparison.Ordinal).Replace('\0', '\uFFFD')
            : json;
}
