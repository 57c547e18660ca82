using System.Text.RegularExpressions;

namespace InternS1.Text.Scientific;

/// <summary>Base of the auto-detection modules (<c>InternS1CheckModuleMixin.re_split</c>): finds candidate runs
/// (the matches of the module's regex) and wraps legitimate ones in logical begin/end markers that get no ids.</summary>
internal abstract class AutoDetector(int minLength, string beginMarker, string endMarker, bool truncation)
{
    public string BeginMarker { get; } = beginMarker;
    public string EndMarker { get; } = endMarker;

    /// <summary>Index and length of every match of the module's candidate regex, left to right.</summary>
    protected abstract IEnumerable<(int Index, int Length)> Candidates(string text);

    protected abstract bool IsLegitimate(string candidate);

    /// <summary>Splits each text into [before, begin, candidate, end, ..., after] pieces; markers (inserted here or
    /// by an earlier detector) are flagged and passed through.</summary>
    public List<(string Text, bool IsMarker)> ReSplit(IEnumerable<(string Text, bool IsMarker)> pieces)
    {
        var results = new List<(string, bool)>();
        foreach (var (text, isMarker) in pieces)
        {
            if (isMarker)
            {
                results.Add((text, true));
                continue;
            }
            var current = 0;
            foreach (var (index, length) in Candidates(text))
            {
                if (length < minLength) continue;
                var candidate = text.Substring(index, length);
                if (!IsLegitimate(candidate)) continue;
                var start = index;
                var end = index + length;
                if (!truncation)
                {
                    if (start > 0 && IsAsciiLetter(text[start - 1])) continue;
                    if (end < text.Length && IsAsciiLetter(text[end])) continue;
                }
                if (start > current) results.Add((text[current..start], false));
                results.Add((BeginMarker, true));
                results.Add((candidate, false));
                results.Add((EndMarker, true));
                current = end;
            }
            if (current < text.Length) results.Add((text[current..], false));
        }
        return results;
    }

    /// <summary>Python's <c>char.encode("UTF-8").isalpha()</c>: true only for ASCII letters.</summary>
    protected static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
}

/// <summary><c>FastaCheckModule</c>: 27 or more capital letters in a row; no neighbour check.</summary>
internal sealed class FastaDetector() : AutoDetector(27, "<FASTA_AUTO_DETECT>", "</FASTA_AUTO_DETECT>", truncation: true)
{
    private static readonly Regex Regex = new("([A-Z]{27,})", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    protected override IEnumerable<(int Index, int Length)> Candidates(string text) =>
        Regex.Matches(text).Select(m => (m.Groups[1].Index, m.Groups[1].Length));
    protected override bool IsLegitimate(string candidate) => true;
}
