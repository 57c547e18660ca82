using System.Text;
using System.Text.RegularExpressions;

namespace InternS1.Text.Jinja;

internal enum TokenType
{
    Text, NumericLiteral, StringLiteral, Identifier, Equals, OpenParen, CloseParen, OpenStatement, CloseStatement,
    OpenExpression, CloseExpression, OpenSquareBracket, CloseSquareBracket, OpenCurlyBracket, CloseCurlyBracket,
    Comma, Dot, Colon, Pipe, AdditiveBinaryOperator, MultiplicativeBinaryOperator, ExponentiationBinaryOperator,
    ComparisonBinaryOperator, UnaryOperator, Comment,
}

internal sealed record Token(string Value, TokenType Type, int Line, int Column);

/// <summary>Tokeniser with the semantics of @huggingface/jinja's <c>tokenize</c> (lstrip_blocks and trim_blocks
/// on, one trailing newline dropped, <c>{%- -%}</c> whitespace control), keeping source positions for errors.</summary>
internal static class Lexer
{
    private static readonly (string Seq, TokenType Type)[] Ordered =
    [
        ("{%", TokenType.OpenStatement), ("%}", TokenType.CloseStatement), ("{{", TokenType.OpenExpression),
        ("}}", TokenType.CloseExpression), ("(", TokenType.OpenParen), (")", TokenType.CloseParen),
        ("{", TokenType.OpenCurlyBracket), ("}", TokenType.CloseCurlyBracket), ("[", TokenType.OpenSquareBracket),
        ("]", TokenType.CloseSquareBracket), (",", TokenType.Comma), (".", TokenType.Dot), (":", TokenType.Colon),
        ("|", TokenType.Pipe), ("<=", TokenType.ComparisonBinaryOperator), (">=", TokenType.ComparisonBinaryOperator),
        ("==", TokenType.ComparisonBinaryOperator), ("!=", TokenType.ComparisonBinaryOperator),
        ("<", TokenType.ComparisonBinaryOperator), (">", TokenType.ComparisonBinaryOperator),
        ("+", TokenType.AdditiveBinaryOperator), ("-", TokenType.AdditiveBinaryOperator), ("~", TokenType.AdditiveBinaryOperator),
        ("**", TokenType.ExponentiationBinaryOperator), ("*", TokenType.MultiplicativeBinaryOperator),
        ("//", TokenType.MultiplicativeBinaryOperator), ("/", TokenType.MultiplicativeBinaryOperator),
        ("%", TokenType.MultiplicativeBinaryOperator), ("=", TokenType.Equals),
    ];

    private static readonly Regex Generation = new(@"(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)", RegexOptions.Singleline);

    /// <summary>JavaScript's <c>\s</c>.</summary>
    public static bool IsJsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '\u00a0' or '\u1680'
        or (>= '\u2000' and <= '\u200a') or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' or '\ufeff';

    private static bool IsWord(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';

    public static List<Token> Tokenize(string source)
    {
        var (src, origin) = Preprocess(source);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < source.Length; i++) if (source[i] == '\n') lineStarts.Add(i + 1);
        (int, int) Pos(int p)
        {
            var o = p < origin.Count ? origin[p] : source.Length;
            var line = lineStarts.BinarySearch(o);
            if (line < 0) line = ~line - 1;
            return (line + 1, o - lineStarts[line] + 1);
        }
        JinjaException Error(string message, int p) { var (l, c) = Pos(p); return new JinjaException(message, l, c); }

        var tokens = new List<Token>();
        var pos = 0;
        var curlyDepth = 0;
        void Add(string value, TokenType type, int at) { var (l, c) = Pos(at); tokens.Add(new Token(value, type, l, c)); }

        string ConsumeWhile(Func<char, bool> predicate)
        {
            var sb = new StringBuilder();
            while (pos < src.Length && predicate(src[pos]))
            {
                if (src[pos] == '\\')
                {
                    pos++;
                    if (pos >= src.Length) throw Error("unexpected end of input after '\\'", pos - 1);
                    var escaped = src[pos++];
                    if (escaped is 'x' or 'u')
                    {
                        var length = escaped == 'x' ? 2 : 4;
                        var hex = src.Substring(pos, Math.Min(length, src.Length - pos));
                        if (hex.Length != length || !hex.All(Uri.IsHexDigit)) throw Error($"invalid hexadecimal escape \\{escaped}{hex}", pos);
                        sb.Append((char)Convert.ToInt32(hex, 16));
                        pos += length;
                        continue;
                    }
                    sb.Append(escaped switch
                    {
                        'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', 'v' => '\v',
                        '\'' => '\'', '"' => '"', '\\' => '\\',
                        _ => throw Error($"unexpected escaped character '{escaped}'", pos - 1),
                    });
                    continue;
                }
                sb.Append(src[pos++]);
                if (pos >= src.Length) throw Error("unexpected end of input (unterminated string or tag?)", pos - 1);
            }
            return sb.ToString();
        }
        void StripTrailingWhitespace()
        {
            if (tokens.Count > 0 && tokens[^1].Type == TokenType.Text)
            {
                var trimmed = tokens[^1].Value.TrimEnd(JsWhitespaceChars);
                if (trimmed.Length == 0) tokens.RemoveAt(tokens.Count - 1);
                else tokens[^1] = tokens[^1] with { Value = trimmed };
            }
        }
        void SkipLeadingWhitespace() { while (pos < src.Length && IsJsWhitespace(src[pos])) pos++; }
        bool At(string s) => string.CompareOrdinal(src, pos, s, 0, s.Length) == 0 && pos + s.Length <= src.Length;

        while (pos < src.Length)
        {
            var lastType = tokens.Count == 0 ? (TokenType?)null : tokens[^1].Type;
            if (lastType is null or TokenType.CloseStatement or TokenType.CloseExpression or TokenType.Comment)
            {
                var start = pos;
                while (pos < src.Length && !(src[pos] == '{' && pos + 1 < src.Length && src[pos + 1] is '%' or '{' or '#')) pos++;
                if (pos > start) { Add(src[start..pos], TokenType.Text, start); continue; }
            }
            if (At("{#"))
            {
                var start = pos;
                pos += 2;
                var stripBefore = pos < src.Length && src[pos] == '-';
                if (stripBefore) pos++;
                var sb = new StringBuilder();
                while (!(pos + 1 < src.Length && src[pos] == '#' && src[pos + 1] == '}'))
                {
                    if (pos + 2 >= src.Length) throw Error("missing end of comment tag '#}'", start);
                    sb.Append(src[pos++]);
                }
                var comment = sb.ToString();
                var stripAfter = comment.EndsWith('-');
                if (stripAfter) comment = comment[..^1];
                if (stripBefore) StripTrailingWhitespace();
                Add(comment, TokenType.Comment, start);
                pos += 2;
                if (stripAfter) SkipLeadingWhitespace();
                continue;
            }
            if (At("{%-")) { StripTrailingWhitespace(); Add("{%", TokenType.OpenStatement, pos); pos += 3; continue; }
            if (At("{{-")) { StripTrailingWhitespace(); Add("{{", TokenType.OpenExpression, pos); curlyDepth = 0; pos += 3; continue; }
            ConsumeWhile(IsJsWhitespace);
            if (pos >= src.Length) break;
            if (At("-%}")) { Add("%}", TokenType.CloseStatement, pos); pos += 3; SkipLeadingWhitespace(); continue; }
            if (At("-}}")) { Add("}}", TokenType.CloseExpression, pos); pos += 3; SkipLeadingWhitespace(); continue; }
            var ch = src[pos];
            if (ch is '-' or '+')
            {
                var prev = tokens.Count == 0 ? (TokenType?)null : tokens[^1].Type;
                if (prev is null or TokenType.Text) throw Error($"unexpected character '{ch}'", pos);
                if (prev is not (TokenType.Identifier or TokenType.NumericLiteral or TokenType.StringLiteral or TokenType.CloseParen or TokenType.CloseSquareBracket))
                {
                    var start = pos++;
                    var num = ConsumeWhile(char.IsAsciiDigit);
                    if (num.Length > 0 && pos + 1 < src.Length && src[pos] == '.' && char.IsAsciiDigit(src[pos + 1]))
                    {
                        pos++;
                        num = $"{num}.{ConsumeWhile(char.IsAsciiDigit)}";
                    }
                    Add($"{ch}{num}", num.Length > 0 ? TokenType.NumericLiteral : TokenType.UnaryOperator, start);
                    continue;
                }
            }
            var matched = false;
            foreach (var (seq, type) in Ordered)
            {
                if (seq == "}}" && curlyDepth > 0) continue;
                if (!At(seq)) continue;
                Add(seq, type, pos);
                if (type == TokenType.OpenExpression) curlyDepth = 0;
                else if (type == TokenType.OpenCurlyBracket) curlyDepth++;
                else if (type == TokenType.CloseCurlyBracket) curlyDepth--;
                pos += seq.Length;
                matched = true;
                break;
            }
            if (matched) continue;
            if (ch is '\'' or '"')
            {
                var start = pos++;
                var str = ConsumeWhile(c => c != ch);
                Add(str, TokenType.StringLiteral, start);
                pos++;
                continue;
            }
            if (char.IsAsciiDigit(ch))
            {
                var start = pos;
                var num = ConsumeWhile(char.IsAsciiDigit);
                if ((tokens.Count == 0 || tokens[^1].Type != TokenType.Dot) && pos + 1 < src.Length && src[pos] == '.' && char.IsAsciiDigit(src[pos + 1]))
                {
                    pos++;
                    num = $"{num}.{ConsumeWhile(char.IsAsciiDigit)}";
                }
                Add(num, TokenType.NumericLiteral, start);
                continue;
            }
            if (IsWord(ch))
            {
                var start = pos;
                Add(ConsumeWhile(IsWord), TokenType.Identifier, start);
                continue;
            }
            throw Error($"unexpected character '{ch}'", pos);
        }
        return tokens;
    }

    private static readonly char[] JsWhitespaceChars = Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(IsJsWhitespace).ToArray();

    /// <summary>JavaScript <c>String.prototype.trim</c>.</summary>
    public static string JsTrim(string s) => s.Trim(JsWhitespaceChars);
    public static string JsTrimStart(string s) => s.TrimStart(JsWhitespaceChars);
    public static string JsTrimEnd(string s) => s.TrimEnd(JsWhitespaceChars);

    /// <summary>Drops one trailing newline, applies lstrip_blocks and trim_blocks, removes generation tags;
    /// returns the new text and, per character, its offset in the original source.</summary>
    private static (string Text, List<int> Origin) Preprocess(string template)
    {
        var chars = new List<(char C, int O)>(template.Length);
        for (var i = 0; i < template.Length; i++) chars.Add((template[i], i));
        if (chars.Count > 0 && chars[^1].C == '\n') chars.RemoveAt(chars.Count - 1);
        // lstrip_blocks: /^[ \t]*({[#%-])/gm -> "$1" (line starts after \n, \r, \u2028, \u2029).
        var lstripped = new List<(char C, int O)>(chars.Count);
        for (var i = 0; i < chars.Count; i++)
        {
            var lineStart = i == 0 || chars[i - 1].C is '\n' or '\r' or '\u2028' or '\u2029';
            if (lineStart)
            {
                var j = i;
                while (j < chars.Count && chars[j].C is ' ' or '\t') j++;
                if (j > i && j + 1 < chars.Count && chars[j].C == '{' && chars[j + 1].C is '#' or '%' or '-')
                {
                    i = j - 1;
                    continue;
                }
            }
            lstripped.Add(chars[i]);
        }
        // trim_blocks: /([#%-]})\n/g -> "$1".
        var trimmed = new List<(char C, int O)>(lstripped.Count);
        for (var i = 0; i < lstripped.Count; i++)
        {
            if (lstripped[i].C == '\n' && i >= 2 && lstripped[i - 1].C == '}' && lstripped[i - 2].C is '#' or '%' or '-') continue;
            trimmed.Add(lstripped[i]);
        }
        var text = new string(trimmed.Select(x => x.C).ToArray());
        var origin = trimmed.Select(x => x.O).ToList();
        if (!text.Contains("generation", StringComparison.Ordinal)) return (text, origin);
        var sb = new StringBuilder();
        var map = new List<int>();
        var last = 0;
        foreach (Match m in Generation.Matches(text))
        {
            for (var k = last; k < m.Index; k++) { sb.Append(text[k]); map.Add(origin[k]); }
            void Keep(Group g) { for (var k = g.Index; k < g.Index + g.Length; k++) { sb.Append(text[k]); map.Add(origin[k]); } }
            if (m.Groups[2].Length == 0) Keep(m.Groups[1]);
            if (m.Groups[3].Length == 0) Keep(m.Groups[4]);
            last = m.Index + m.Length;
        }
        for (var k = last; k < text.Length; k++) { sb.Append(text[k]); map.Add(origin[k]); }
        return (sb.ToString(), map);
    }
}
