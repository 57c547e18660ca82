using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InternS1.Text.Tests.Structured;

internal sealed partial class ReferenceRecognizer
{
    private static int? Int(JsonElement schema, string key) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty(key, out var v) ? v.GetInt32() : null;

    private IEnumerable<int> ObjectValue(JsonElement schema, int pos)
    {
        var i = Expect("{"u8.ToArray(), pos);
        if (i < 0) { if (i == Open) yield return Open; yield break; }
        var props = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => (x.Name, x.Value)).ToList() : [];
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet() : [];
        if (props.Count == 0 && required.Count == 0 && !schema.TryGetProperty("additionalProperties", out _))
        {
            // An object schema that declares nothing: any object.
            foreach (var e in AnyObject(pos, JsonDocument.Parse("{}").RootElement)) yield return e;
            yield break;
        }
        foreach (var e in Members(props, required, -1, i)) yield return e;
    }

    /// <summary>Properties after property <paramref name="last"/> was written, in schema order.</summary>
    private IEnumerable<int> Members(List<(string Name, JsonElement Schema)> props, HashSet<string> required, int last, int i)
    {
        if (i == _s.Length) { yield return Open; yield break; }
        if (!props.Skip(last + 1).Any(x => required.Contains(x.Name)) && _s[i] == '}') yield return i + 1;
        for (var j = last + 1; j < props.Count; j++)
        {
            var k = i;
            if (last >= 0)
            {
                k = Expect(Comma, i);
                if (k == Open) { yield return Open; break; }
                if (k < 0) break;
            }
            k = Expect(Encoding.UTF8.GetBytes("\"" + props[j].Name + "\""), k);
            if (k == Open) yield return Open;
            if (k >= 0)
            {
                k = Expect(Colon, k);
                if (k == Open) yield return Open;
                else if (k >= 0)
                    foreach (var v in Value(props[j].Schema, k))
                    {
                        if (v == Open) yield return Open;
                        else foreach (var e in Members(props, required, j, v)) yield return e;
                    }
            }
            if (required.Contains(props[j].Name)) break;
        }
    }

    private IEnumerable<int> ArrayValue(JsonElement schema, int pos)
    {
        var i = Expect("["u8.ToArray(), pos);
        if (i < 0) { if (i == Open) yield return Open; yield break; }
        var items = schema.TryGetProperty("items", out var it) ? it : JsonDocument.Parse("{}").RootElement;
        foreach (var e in Items(items, Int(schema, "minItems") ?? 0, Int(schema, "maxItems") ?? int.MaxValue, 0, i)) yield return e;
    }

    private IEnumerable<int> Items(JsonElement items, int min, int max, int count, int i)
    {
        if (i == _s.Length) { yield return Open; yield break; }
        if (count >= min && _s[i] == ']') yield return i + 1;
        if (count >= max) yield break;
        var k = i;
        if (count > 0)
        {
            k = Expect(Comma, i);
            if (k == Open) { yield return Open; yield break; }
            if (k < 0) yield break;
        }
        foreach (var v in Value(items, k))
        {
            if (v == Open) yield return Open;
            else foreach (var e in Items(items, min, max, count + 1, v)) yield return e;
        }
    }

    /// <summary>Characters that count for minLength of 2 or more (the README's list).</summary>
    private static readonly (int Lo, int Hi)[] CountedRanges =
        [(0, 0x0C), (0x0E, 0x7F), (0xA0, 0xA8), (0xAA, 0xAD), (0xAF, 0x24F), (0x370, 0x482), (0x48A, 0x4FF), (0x3041, 0x3096), (0x30A1, 0x30FA), (0x3400, 0x4DBF), (0x4E00, 0x9FFF)];

    private static bool Counted(int cp) => CountedRanges.Any(r => r.Lo <= cp && cp <= r.Hi);

    private IEnumerable<int> StringValue(JsonElement schema, int pos)
    {
        if (_s[pos] != '"') yield break;
        var min = Int(schema, "minLength") ?? 0;
        var max = Int(schema, "maxLength") ?? int.MaxValue;
        var countedMode = min >= 2;
        int chars = 0, counted = 0, i = pos + 1;
        bool Room(bool isCounted) => chars + 1 <= max && (isCounted || !countedMode || max == int.MaxValue || max - (chars + 1) >= min - counted);
        while (true)
        {
            if (i == _s.Length) { yield return Open; yield break; }
            var b = _s[i];
            if (b == '"') { if (counted >= min || (!countedMode && chars >= min)) yield return i + 1; yield break; }
            int cp, len;
            if (b == '\\')
            {
                var (ok, ecp, elen, open) = Escape(i);
                if (open) { if (Room(true)) yield return Open; yield break; }
                if (!ok) yield break;
                (cp, len) = (ecp, elen);
            }
            else if (b < 0x20) yield break;
            else if (b < 0x80) (cp, len) = (b, 1);
            else
            {
                var (ok, dcp, dlen, lo, hi) = Utf8(i);
                if (!ok) yield break;
                if (dlen < 0)
                {
                    var anyCounted = CountedRanges.Any(r => r.Lo <= hi && lo <= r.Hi);
                    if (Room(anyCounted)) yield return Open;
                    yield break;
                }
                (cp, len) = (dcp, dlen);
            }
            var isCounted = !countedMode || Counted(cp);
            if (!Room(isCounted)) yield break;
            chars++;
            if (isCounted) counted++;
            i += len;
        }
    }

    /// <summary>An escape at <paramref name="i"/>: the short forms, or \u00XX for other control characters only.</summary>
    private (bool Ok, int Cp, int Len, bool Open) Escape(int i)
    {
        if (i + 1 == _s.Length) return (true, 0, 0, true);
        var c = (char)_s[i + 1];
        var shortForms = new Dictionary<char, int> { ['"'] = '"', ['\\'] = '\\', ['b'] = 8, ['f'] = 12, ['n'] = 10, ['r'] = 13, ['t'] = 9 };
        if (shortForms.TryGetValue(c, out var v)) return (true, v, 2, false);
        if (c != 'u') return (false, 0, 0, false);
        var hex = Encoding.ASCII.GetString(_s, i + 2, Math.Min(4, _s.Length - i - 2));
        if (!Regex.IsMatch(hex, "^(0(0([01][0-9a-fA-F]?)?)?)?$")) return (false, 0, 0, false);
        if (hex.Length < 4) return (true, 0, 0, true); // every such prefix still has a control character without a short form
        var value = Convert.ToInt32(hex[2..], 16);
        return IsShort(value) ? (false, 0, 0, false) : (true, value, 6, false);
    }

    private static bool IsShort(int cp) => cp is 8 or 9 or 10 or 12 or 13;

    /// <summary>A UTF-8 sequence at <paramref name="i"/>: complete (Len &gt; 0) or cut by the end of the input (Len -1, the
    /// range of code points it can still become).</summary>
    private (bool Ok, int Cp, int Len, int Lo, int Hi) Utf8(int i)
    {
        var b = _s[i];
        var (need, lo, hi) = b switch
        {
            >= 0xC2 and <= 0xDF => (2, 0x80, 0x7FF),
            >= 0xE0 and <= 0xEF => (3, 0x800, 0xFFFF),
            >= 0xF0 and <= 0xF4 => (4, 0x10000, 0x10FFFF),
            _ => (0, 0, 0),
        };
        if (need == 0) return (false, 0, 0, 0, 0);
        var have = Math.Min(need, _s.Length - i);
        var bytes = _s.AsSpan(i, have).ToArray();
        for (var k = 1; k < have; k++) if ((bytes[k] & 0xC0) != 0x80) return (false, 0, 0, 0, 0);
        if (have == need)
        {
            var ok = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var used) == System.Buffers.OperationStatus.Done && used == need;
            return ok ? (true, rune.Value, need, 0, 0) : (false, 0, 0, 0, 0);
        }
        // The completions form one range: fill the missing bytes with their smallest and largest allowed values.
        var secondLo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
        var secondHi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
        if (have >= 2 && (bytes[1] < secondLo || bytes[1] > secondHi)) return (false, 0, 0, 0, 0);
        int Complete(bool high)
        {
            var full = new byte[need];
            for (var k = 0; k < need; k++)
                full[k] = k < have ? bytes[k] : k == 1 ? (byte)(high ? secondHi : secondLo) : (byte)(high ? 0xBF : 0x80);
            System.Text.Rune.DecodeFromUtf8(full, out var rune, out _);
            return rune.Value;
        }
        return (true, 0, -1, Complete(false), Complete(true));
    }

    private IEnumerable<int> NumberValue(JsonElement schema, int pos, bool integer)
    {
        var end = pos;
        while (end < _s.Length && "-+.eE0123456789".Contains((char)_s[end])) end++;
        BigInteger? lo = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("minimum", out var a) ? BigInteger.Parse(a.GetRawText()) : null;
        BigInteger? hi = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("maximum", out var z) ? BigInteger.Parse(z.GetRawText()) : null;
        var ranged = lo is not null || hi is not null;
        for (var k = pos + 1; k <= end; k++)
        {
            var text = Encoding.ASCII.GetString(_s, pos, k - pos);
            if (ranged ? InRange(text, lo, hi) : Regex.IsMatch(text, integer ? @"^-?(0|[1-9][0-9]*)$" : @"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")) yield return k;
        }
        if (end == _s.Length)
        {
            var text = Encoding.ASCII.GetString(_s, pos, end - pos);
            var open = ranged ? ViableInRange(text, lo, hi)
                : integer ? Regex.IsMatch(text, @"^-?$|^-?(0|[1-9][0-9]*)$")
                : Regex.IsMatch(text, @"^-?$|^-?(0|[1-9][0-9]*)$|^-?(0|[1-9][0-9]*)\.[0-9]*$|^-?(0|[1-9][0-9]*)(\.[0-9]+)?[eE][+-]?[0-9]*$");
            if (open) yield return Open;
        }
    }

    // Integer ranges: no exponent, no fraction, no "-0".
    private static bool InRange(string text, BigInteger? lo, BigInteger? hi) =>
        Regex.IsMatch(text, @"^(0|-?[1-9][0-9]*)$") && BigInteger.Parse(text) is var v && (lo is null || v >= lo) && (hi is null || v <= hi);

    private static bool ViableInRange(string text, BigInteger? lo, BigInteger? hi)
    {
        if (text.Length == 0) return true;
        if (text == "-") return lo is null || lo < 0;
        if (!Regex.IsMatch(text, @"^(0|-?[1-9][0-9]*)$")) return false;
        var negative = text[0] == '-';
        var v = BigInteger.Parse(text.TrimStart('-'));
        for (var k = 0; k <= 30; k++)
        {
            if (k > 0 && v.IsZero) break;
            var p = BigInteger.Pow(10, k);
            var (a, b) = (v * p, v * p + p - 1);
            if (negative) (a, b) = (-b, -a);
            if ((lo is null || b >= lo) && (hi is null || a <= hi)) return true;
        }
        return false;
    }
}
