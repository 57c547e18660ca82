using System.Globalization;

namespace InternS1.Text.Structured.Automata;

/// <summary>
/// Parses the supported subset of ECMAScript regular expressions (what JSON Schema's <c>pattern</c> uses):
/// literals, <c>.</c>, classes <c>[a-z]</c> <c>[^...]</c>, <c>\d \w \s \D \W \S</c>, escapes <c>\t \n \r \f \v \0
/// \xHH \uHHHH</c>, groups <c>(...)</c> <c>(?:...)</c> <c>(?&lt;name&gt;...)</c>, alternation, quantifiers
/// <c>* + ? {n} {n,} {n,m}</c> (lazy forms too), and <c>^</c>/<c>$</c> at the ends. Lookaround, backreferences,
/// word boundaries, <c>\p{...}</c> and flags are rejected. The whole string must match (implicit anchors).
/// </summary>
internal sealed class RegexParser
{
    /// <summary>Largest repetition bound accepted in <c>{n,m}</c>.</summary>
    public const int MaxRepeat = 1000;

    private static readonly CharSet Digit = CharSet.Of('0', '9');
    private static readonly CharSet Word = CharSet.FromRanges([('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]);
    private static readonly CharSet AsciiSpace = CharSet.FromRanges([('\t', '\r'), (' ', ' ')]);
    // NOTE: the validator runs .NET's regex in ECMAScript mode, where \s is ASCII only, while ECMAScript's own
    // \s also has these: \S must exclude both, \s is only what both agree on.
    private static readonly CharSet AnySpace = AsciiSpace.Union(CharSet.FromRanges(
        [(0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF)]));
    private static readonly CharSet LineTerminators = CharSet.FromRanges([('\n', '\n'), ('\r', '\r'), (0x2028, 0x2029)]);

    private readonly string _p;
    private readonly CharSet _universe;
    private int _i;

    private RegexParser(string pattern, CharSet universe)
    {
        _p = pattern;
        _universe = universe;
    }

    /// <summary>Parses <paramref name="pattern"/>; characters are limited to <paramref name="universe"/>.</summary>
    /// <exception cref="RegexSyntaxException">Unsupported or malformed syntax (message and offset).</exception>
    public static RegexNode Parse(string pattern, CharSet universe)
    {
        var parser = new RegexParser(pattern, universe);
        var node = parser.ParseAlternation(top: true);
        if (parser._i < pattern.Length) throw parser.Error(pattern[parser._i] == ')' ? "unbalanced ')'" : $"unexpected '{pattern[parser._i]}'");
        return node;
    }

    private RegexSyntaxException Error(string message) => new($"{message} at offset {_i}", _i);

    private bool More => _i < _p.Length;

    private char Peek => _p[_i];

    private RegexNode ParseAlternation(bool top)
    {
        var options = new List<RegexNode> { ParseSequence(top) };
        while (More && Peek == '|')
        {
            _i++;
            options.Add(ParseSequence(top));
        }
        return options.Count == 1 ? options[0] : new RegexNode.Alternation(options);
    }

    private RegexNode ParseSequence(bool top)
    {
        var items = new List<RegexNode>();
        if (top && More && Peek == '^') _i++;
        while (More && Peek != '|' && Peek != ')')
        {
            if (Peek == '$')
            {
                var end = _i + 1 == _p.Length || _p[_i + 1] == '|';
                if (!top || !end) throw Error("'$' is only supported at the end of the pattern");
                _i++;
                break;
            }
            if (Peek == '^') throw Error("'^' is only supported at the start of the pattern");
            var atom = ParseAtom();
            items.Add(ParseQuantifier(atom));
        }
        return items.Count == 1 ? items[0] : new RegexNode.Sequence(items);
    }

    private RegexNode ParseQuantifier(RegexNode atom)
    {
        if (!More) return atom;
        int min, max;
        var unbounded = false;
        switch (Peek)
        {
            case '*': _i++; min = 0; max = 0; unbounded = true; break;
            case '+': _i++; min = 1; max = 0; unbounded = true; break;
            case '?': _i++; min = 0; max = 1; break;
            case '{' when TryParseBraces(out min, out var m):
                if (m is null) unbounded = true;
                max = m ?? 0;
                break;
            default: return atom;
        }
        if (More && Peek == '?') _i++; // lazy: same language
        if (More && Peek is '*' or '+' or '?' || (More && Peek == '{' && LooksLikeBraces())) throw Error("nothing to repeat");
        return new RegexNode.Repeat(atom, min, unbounded ? null : max);
    }

    private bool LooksLikeBraces()
    {
        var save = _i;
        var ok = TryParseBraces(out _, out _);
        _i = save;
        return ok;
    }

    private bool TryParseBraces(out int min, out int? max)
    {
        min = 0;
        max = null;
        var j = _i + 1;
        int ReadInt(ref int k)
        {
            var start = k;
            while (k < _p.Length && char.IsAsciiDigit(_p[k])) k++;
            if (k == start) return -1;
            return int.TryParse(_p.AsSpan(start, k - start), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : int.MaxValue;
        }
        var a = ReadInt(ref j);
        if (a < 0) return false;
        int? b = a;
        if (j < _p.Length && _p[j] == ',')
        {
            j++;
            var c = ReadInt(ref j);
            b = c < 0 ? null : c;
        }
        if (j >= _p.Length || _p[j] != '}') return false;
        if (a > MaxRepeat || b > MaxRepeat) throw Error($"repetition bound above {MaxRepeat} is not supported");
        if (b < a) throw Error("repetition {n,m} with m < n");
        min = a;
        max = b;
        _i = j + 1;
        return true;
    }

    private RegexNode ParseAtom()
    {
        var c = Peek;
        switch (c)
        {
            case '(':
                _i++;
                if (More && Peek == '?')
                {
                    if (_i + 1 < _p.Length && _p[_i + 1] == ':') _i += 2;
                    else if (_i + 1 < _p.Length && _p[_i + 1] == '<' && _i + 2 < _p.Length && _p[_i + 2] is not ('=' or '!'))
                    {
                        var close = _p.IndexOf('>', _i);
                        if (close < 0) throw Error("unterminated group name");
                        _i = close + 1;
                    }
                    else throw Error("lookaround and inline flags '(?' are not supported");
                }
                var inner = ParseAlternation(top: false);
                if (!More || Peek != ')') throw Error("missing ')'");
                _i++;
                return inner;
            case '[':
                return new RegexNode.Chars(ParseClass());
            case '.':
                _i++;
                return new RegexNode.Chars(_universe.Subtract(LineTerminators));
            case '\\':
                return new RegexNode.Chars(ParseEscape(inClass: false));
            case '*' or '+' or '?':
                throw Error("nothing to repeat");
            default:
                var cp = char.ConvertToUtf32(_p, _i);
                _i += char.IsSurrogatePair(_p, _i) ? 2 : 1;
                return new RegexNode.Chars(CharSet.Of(cp, cp).Intersect(_universe));
        }
    }

    private CharSet ParseClass()
    {
        _i++; // [
        var negate = More && Peek == '^';
        if (negate) _i++;
        var set = CharSet.Empty;
        while (true)
        {
            if (!More) throw Error("missing ']'");
            if (Peek == ']') { _i++; break; }
            var (lo, loSet) = ClassAtom();
            if (More && Peek == '-' && _i + 1 < _p.Length && _p[_i + 1] != ']')
            {
                _i++;
                var (hi, hiSet) = ClassAtom();
                if (loSet is not null || hiSet is not null) throw Error("a class escape cannot bound a range");
                if (hi < lo) throw Error("range out of order in character class");
                set = set.Union(CharSet.Of(lo, hi));
            }
            else set = set.Union(loSet ?? CharSet.Of(lo, lo));
        }
        return negate ? set.Complement(_universe) : set.Intersect(_universe);
    }

    private (int Cp, CharSet? Set) ClassAtom()
    {
        if (Peek == '\\')
        {
            if (_i + 1 < _p.Length && _p[_i + 1] == 'b') { _i += 2; return (8, null); }
            var set = ParseEscape(inClass: true);
            return set.Ranges.Count == 1 && set.Ranges[0].Lo == set.Ranges[0].Hi && !IsClassEscape(_p[_i - 1]) ? (set.Ranges[0].Lo, null) : (-1, set);
        }
        var cp = char.ConvertToUtf32(_p, _i);
        _i += char.IsSurrogatePair(_p, _i) ? 2 : 1;
        return (cp, null);
    }

    private static bool IsClassEscape(char c) => c is 'd' or 'D' or 'w' or 'W' or 's' or 'S';

    private CharSet ParseEscape(bool inClass)
    {
        _i++; // backslash
        if (!More) throw Error("pattern ends with '\\'");
        var c = Peek;
        _i++;
        switch (c)
        {
            case 'd': return Digit.Intersect(_universe);
            case 'D': return Digit.Complement(_universe);
            case 'w': return Word.Intersect(_universe);
            case 'W': return Word.Complement(_universe);
            case 's': return AsciiSpace.Intersect(_universe);
            case 'S': return AnySpace.Complement(_universe);
            case 't': return CharSet.Of('\t');
            case 'n': return CharSet.Of('\n');
            case 'r': return CharSet.Of('\r');
            case 'f': return CharSet.Of('\f');
            case 'v': return CharSet.Of('\v');
            case '0' when !More || !char.IsAsciiDigit(Peek): return CharSet.Of('\0');
            case 'x': var x = ReadHex(2); return CharSet.Of(x, x);
            case 'u': var u = ReadHex(4); return CharSet.Of(u, u);
            case 'b' or 'B': throw Error("word boundaries '\\b' '\\B' are not supported");
            case >= '1' and <= '9': throw Error("backreferences are not supported");
            case 'k': throw Error("named backreferences are not supported");
            case 'p' or 'P': throw Error("Unicode property escapes '\\p{...}' are not supported");
            case 'c': throw Error("control escapes '\\c' are not supported");
        }
        if ("^$\\.*+?()[]{}|/-".Contains(c)) return CharSet.Of(c);
        _i--;
        throw Error($"unknown escape '\\{c}'");
    }

    private int ReadHex(int digits)
    {
        if (_i + digits > _p.Length || !int.TryParse(_p.AsSpan(_i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw Error($"expected {digits} hex digits");
        _i += digits;
        if (v is >= 0xD800 and <= 0xDFFF) throw Error("surrogate code points are not supported");
        return v;
    }
}
