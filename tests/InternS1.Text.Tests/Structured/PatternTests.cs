using System.Text.RegularExpressions;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Tests.Structured;

/// <summary>Patterns compiled by our regex subset against .NET's regex in ECMAScript mode (what the validator runs),
/// on every string of up to four characters over a small alphabet (whole-string match).</summary>
public class PatternTests
{
    public static TheoryData<string> Patterns() =>
    [
        "[a-c]+", "a|bc", "(ab)*c?", "[^a]b{1,2}", "\\d{2}-\\w", "(?:a|b){2,3}", ".b", "a.*c", "[\\d-]x", "^ab$", "\\.\\-",
        "[a\\-z]", "\\s?\\S", "\\W\\D", "(?<name>a)+b*", "x{2,}", "[\\u0061-\\x63]", "a??b+?",
    ];

    [Theory]
    [MemberData(nameof(Patterns))]
    public void A_pattern_matches_what_the_ECMAScript_regex_matches(string pattern)
    {
        var dfa = RegexNode.Compile(RegexParser.Parse(pattern, CharSet.Bmp));
        // NOTE: "(?![\\s\\S])" is the end of the string; .NET's "$" would also match before a final newline.
        var reference = new Regex("^(?:" + pattern.TrimStart('^').TrimEnd('$') + ")(?![\\s\\S])", RegexOptions.ECMAScript);
        var alphabet = new[] { "a", "b", "c", "x", "1", "-", ".", " ", "\n", "é" };
        var strings = new List<string> { "" };
        for (var len = 1; len <= 4; len++)
            strings.AddRange(strings.Where(s => s.Length == len - 1).SelectMany(s => alphabet.Select(c => s + c)).ToList());
        foreach (var s in strings)
        {
            var expected = reference.IsMatch(s);
            var got = dfa.Accepts(s.Select(c => (int)c));
            Assert.True(expected == got, $"pattern {pattern} on '{s.Replace("\n", "\\n")}': regex {expected}, ours {got}");
        }
    }

    [Theory]
    [InlineData("a(?=b)", "lookaround")]
    [InlineData("a(?<!b)", "lookaround")]
    [InlineData("(a)\\1", "backreferences")]
    [InlineData("\\bword", "word boundaries")]
    [InlineData("\\p{L}", "Unicode property")]
    [InlineData("a^b", "'^' is only supported at the start")]
    [InlineData("a$b", "'$' is only supported at the end")]
    [InlineData("(ab", "missing ')'")]
    [InlineData("[ab", "missing ']'")]
    [InlineData("a{2,1}", "m < n")]
    [InlineData("a{1001}", "above 1000")]
    [InlineData("*a", "nothing to repeat")]
    [InlineData("\\q", "unknown escape")]
    public void Unsupported_or_malformed_patterns_are_rejected(string pattern, string message)
    {
        var e = Assert.Throws<RegexSyntaxException>(() => RegexParser.Parse(pattern, CharSet.Bmp));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("date", "2024-02-29", true)]
    [InlineData("date", "2023-02-29", false)]
    [InlineData("date", "1900-02-29", false)]
    [InlineData("date", "2000-02-29", true)]
    [InlineData("date", "2023-04-31", false)]
    [InlineData("date", "0000-01-01", false)]
    [InlineData("date-time", "2023-04-30T10:00:00Z", true)]
    [InlineData("date-time", "2023-04-30T10:00:00.123+05:30", true)]
    [InlineData("date-time", "2023-04-30T24:00:00Z", false)]
    [InlineData("date-time", "2023-04-30t10:00:00z", false)]
    [InlineData("email", "first.last+tag@mail.example.org", true)]
    [InlineData("email", "a..b@example.org", false)]
    [InlineData("email", "a@b.c", false)]
    [InlineData("email", "a@-b.co", false)]
    [InlineData("uuid", "123e4567-E89B-12d3-a456-426614174000", true)]
    [InlineData("uuid", "123e4567e89b12d3a456426614174000", false)]
    public void Formats_accept_their_documented_subset(string format, string value, bool accepted)
    {
        var dfa = RegexNode.Compile(RegexParser.Parse(StringFormats.Pattern(format)!, CharSet.Scalars));
        Assert.Equal(accepted, dfa.Accepts(value.Select(c => (int)c)));
    }
}
