using System.Text.RegularExpressions;

namespace InternS1.Text.Scientific;

/// <summary><c>SmilesCheckModule</c> on the path without RDKit: at least 10 SMILES units, at least 5 ASCII
/// letters, and the hand-written ring/bracket validator (<c>check_rings_and_brackets</c>), ported rule by rule.</summary>
internal sealed class SmilesDetector() : AutoDetector(10, "<SMILES_AUTO_DETECT>", "</SMILES_AUTO_DETECT>", truncation: false)
{
    private static readonly string[] TwoLetterElements =
    [
        "Ac", "Ag", "Al", "Am", "Ar", "As", "At", "Au", "Ba", "Be", "Bh", "Bi", "Bk", "Br", "Ca", "Cd",
        "Ce", "Cf", "Cl", "Cm", "Cn", "Co", "Cr", "Cs", "Cu", "Db", "Ds", "Dy", "Er", "Es", "Eu", "Fe",
        "Fl", "Fm", "Fr", "Ga", "Gd", "Ge", "He", "Hf", "Hg", "Ho", "Hs", "In", "Ir", "Kr", "La", "Li",
        "Lr", "Lu", "Lv", "Mc", "Md", "Mg", "Mn", "Mo", "Mt", "Na", "Nb", "Nd", "Ne", "Nh", "Ni", "No",
        "Np", "Og", "Os", "Pa", "Pb", "Pd", "Pm", "Po", "Pr", "Pt", "Pu", "Ra", "Rb", "Re", "Rf", "Rg",
        "Rh", "Rn", "Ru", "Sb", "Sc", "Se", "Sg", "Si", "Sm", "Sn", "Sr", "Ta", "Tb", "Tc", "Te", "Th",
        "Ti", "Tl", "Tm", "Ts", "Xe", "Yb", "Zn", "Zr",
    ];
    private static readonly string[] SingleLetterElements =
        ["B", "C", "F", "H", "I", "K", "N", "O", "P", "S", "U", "V", "W", "Y", "b", "c", "n", "o", "p", "s"];

    private static readonly HashSet<string> Bonds = ["-", "=", "#", ":", "/", "\\", ".", "$"];
    private static readonly HashSet<string> Allowed = // organic_symbols + aromatic_symbols + other_allows
        ["B", "C", "N", "O", "P", "S", "F", "Cl", "Br", "I", "b", "c", "n", "o", "s", "p",
         "-", "=", "#", ":", "/", "\\", ".", "$", "[", "]", "(", ")", ";"];
    private static readonly HashSet<string> Elements =
    [
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
        "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm",
        "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
    ];
    private static readonly HashSet<string> Aromatic = ["b", "c", "n", "o", "s", "p"];

    /// <summary>Element symbols in the order of the candidate regex's alternation (longest first, then ordinal).</summary>
    internal static readonly string[] ElementsInOrder = TwoLetterElements.Concat(SingleLetterElements)
        .OrderBy(e => -e.Length).ThenBy(e => e, StringComparer.Ordinal).ToArray();
    private static readonly Regex BracketBan1 = new("(?:[A-GI-Z]|[a-z]){3,}", RegexOptions.Compiled);
    private static readonly Regex BracketBan2 = new(@"\d{4,}", RegexOptions.Compiled);
    private static readonly Regex Digits = new(@"\d+", RegexOptions.Compiled);
    private static readonly Regex BracketParts = new(@"\[([^\[\]]*)\]", RegexOptions.Compiled);

    /// <summary>The reference's candidate regex (SmilesCheckModule's pattern); candidates are found by
    /// <see cref="SmilesCandidateScanner"/>, which gives the same matches in linear time. For tests.</summary>
    internal static Regex ReferencePattern { get; } = new(
        @"((?![:.=])(?>(?:\[[^\]]+\]|" + string.Join("|", ElementsInOrder) + @"|[\(\)\.=\-#@\d\$\%\*:\+\-\/\\])){10,}(?<![:.=]))",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    protected override IEnumerable<(int Index, int Length)> Candidates(string text) => SmilesCandidateScanner.Matches(text, ElementsInOrder);

    protected override bool IsLegitimate(string candidate) =>
        candidate.Count(IsAsciiLetter) >= 5 && CheckRingsAndBrackets(candidate);

    internal static bool CheckRingsAndBrackets(string text)
    {
        var rings = new Dictionary<string, bool>(); // true = unclosed
        int leftSq = 0, rightSq = 0, leftPt = 0, rightPt = 0, digitsCount = 0, pos = 0;
        var allLower = true;
        var len = text.Length;
        // NOTE: both are properties of the whole text; computed once (per '[' they made long candidates quadratic).
        var lastClose = text.LastIndexOf(']');
        var firstClose = text.IndexOf(']');
        void Toggle(string key) => rings[key] = !rings.TryGetValue(key, out var open) || !open;
        while (pos < len)
        {
            var step = 0;
            var c = text[pos];
            var cs = c.ToString();
            if (c >= 'A' && c <= 'Z') allLower = false;
            if ((pos == len - 1 || pos == 0) && Bonds.Contains(cs)) return false;
            if (pos > 0 && Bonds.Contains(text[pos - 1].ToString()) && Bonds.Contains(cs)) return false;
            if (c == '[')
            {
                step = 1;
                leftSq++;
                if (leftSq > rightSq + 1) return false;
                if (pos == len - 1) return false;
                if (lastClose <= pos) return false;
                // NOTE: the reference slices up to the FIRST ']' of the whole text (text.find), kept as is.
                var span = firstClose > pos + 1 ? text[(pos + 1)..firstClose] : "";
                if (BracketBan1.IsMatch(span) || BracketBan2.IsMatch(span)) return false;
                if (Digits.Matches(span).Count > 2) return false;
            }
            if (c == ']')
            {
                step = 1;
                rightSq++;
                if (rightSq > leftSq) return false;
            }
            if (c == '(') { step = 1; leftPt++; }
            if (c == ')')
            {
                step = 1;
                rightPt++;
                if (rightPt > leftPt) return false;
            }
            if (leftSq == rightSq)
            {
                if (char.IsDigit(c))
                {
                    digitsCount++;
                    step = 1;
                    if (pos == 0 || (pos == 1 && text[pos - 1] != '%') || (pos > 1 && text[pos - 1] != '%' && text[pos - 2] != '%'))
                        Toggle(cs);
                }
                if (c == '%')
                {
                    if (pos >= len - 2 || !char.IsDigit(text[pos + 1]) || !char.IsDigit(text[pos + 2])) return false;
                    step = 3;
                    digitsCount++;
                    Toggle(text.Substring(pos + 1, 2));
                }
                if (step == 0)
                {
                    if (pos < len - 1 && Allowed.Contains(text.Substring(pos, 2))) step = 2;
                    else if (Allowed.Contains(cs)) step = 1;
                    else return false;
                }
            }
            if (step == 0) step = 1;
            pos += step;
        }
        if (leftSq != rightSq || rings.Values.Any(open => open)) return false;
        if (allLower && digitsCount < 2) return false;
        return CheckBrackets(text);
    }

    private static bool CheckBrackets(string text)
    {
        foreach (Match m in BracketParts.Matches(text))
        {
            var part = m.Groups[1].Value;
            if (part.Contains('(') || part.Contains(')')) return false;
            if (part.Length == 0) return false;
            if (Elements.Contains(part[..1]) || Aromatic.Contains(part[..1]) || Elements.Contains(part[..Math.Min(2, part.Length)])) return true;
        }
        return true;
    }
}
