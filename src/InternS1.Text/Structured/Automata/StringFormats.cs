namespace InternS1.Text.Structured.Automata;

/// <summary>The supported <c>format</c> values as patterns in the <see cref="RegexParser"/> subset. Each is a subset of
/// what the validator (JsonSchema.Net 8, format assertion on) accepts: <c>date</c> has real month lengths and leap years
/// and no year 0000; <c>date-time</c> uses upper-case <c>T</c>/<c>Z</c>, seconds 00-59, at most 9 fraction digits, offsets
/// up to ±23:59 and years 0002-9998 (so that the offset never leaves the calendar's range); <c>email</c> is
/// <c>local@domain</c> with dot-separated atoms of <c>[A-Za-z0-9_%+-]</c>, labels of at most 63 characters and a
/// letter-only top-level domain of 2-63 letters; <c>uuid</c> is 8-4-4-4-12 hex digits in either case.</summary>
internal static class StringFormats
{
    public static readonly IReadOnlyList<string> Supported = ["date", "date-time", "email", "uuid"];

    private const string Day31 = "(?:0[1-9]|[12][0-9]|3[01])";
    private const string Day30 = "(?:0[1-9]|[12][0-9]|30)";
    private const string Day28 = "(?:0[1-9]|1[0-9]|2[0-8])";
    private const string MonthDay = "(?:(?:0[13578]|1[02])-" + Day31 + "|(?:0[469]|11)-" + Day30 + "|02-" + Day28 + ")";
    private const string LeapYear = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)";

    private static string Date(string year, string leapYear) => $"(?:{year}-{MonthDay}|{leapYear}-02-29)";

    /// <summary>The pattern of a format name, or null when the format is not supported.</summary>
    public static string? Pattern(string format) => format switch
    {
        "date" => Date("(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])", LeapYear),
        "date-time" => Date("(?:[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8]|0[1-9][0-9]{2}|00[1-9][0-9]|000[2-9])",
                           "(?:(?:[0-8][0-9]|9[0-8])(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)")
                       + "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])",
        "email" => "[A-Za-z0-9_%+-]+(?:\\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}",
        "uuid" => "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        _ => null,
    };
}
