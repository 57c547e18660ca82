using System.Globalization;
using System.Numerics;

namespace InternS1.Text.Structured.Automata;

/// <summary>An exact decimal number <c>Mantissa × 10^Exponent</c> (normalised: no trailing zeros in the mantissa),
/// parsed from JSON number text. Bounds are compared exactly, as JSON Schema (and the validator) do.</summary>
internal readonly record struct DecimalValue(BigInteger Mantissa, int Exponent) : IComparable<DecimalValue>
{
    /// <summary>Most digits an integer or fraction part of a bound may have.</summary>
    public const int MaxDigits = 400;

    public static readonly DecimalValue Zero = new(BigInteger.Zero, 0);

    public bool IsNegative => Mantissa.Sign < 0;

    public bool IsZero => Mantissa.IsZero;

    public bool IsInteger => Exponent >= 0 || Mantissa.IsZero;

    /// <summary>Parses JSON number text (<c>-?int(.frac)?([eE][+-]?exp)?</c>).</summary>
    public static DecimalValue Parse(string text)
    {
        var s = text.Trim();
        var exp = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var negative = s.StartsWith('-');
        if (negative) s = s[1..];
        var dot = s.IndexOf('.');
        if (dot >= 0)
        {
            exp -= s.Length - dot - 1;
            s = s.Remove(dot, 1);
        }
        var m = BigInteger.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        return Normalize(negative ? -m : m, exp);
    }

    private static DecimalValue Normalize(BigInteger m, int exp)
    {
        if (m.IsZero) return Zero;
        while (m % 10 == 0) { m /= 10; exp++; }
        return new DecimalValue(m, exp);
    }

    public DecimalValue Negate() => new(-Mantissa, Exponent);

    public int CompareTo(DecimalValue other)
    {
        var e = Math.Min(Exponent, other.Exponent);
        var a = Mantissa * BigInteger.Pow(10, Exponent - e);
        var b = other.Mantissa * BigInteger.Pow(10, other.Exponent - e);
        return a.CompareTo(b);
    }

    public static bool operator <(DecimalValue a, DecimalValue b) => a.CompareTo(b) < 0;

    public static bool operator >(DecimalValue a, DecimalValue b) => a.CompareTo(b) > 0;

    public static bool operator <=(DecimalValue a, DecimalValue b) => a.CompareTo(b) <= 0;

    public static bool operator >=(DecimalValue a, DecimalValue b) => a.CompareTo(b) >= 0;

    /// <summary>Smallest integer not below this value.</summary>
    public DecimalValue Ceiling() => Round(up: true);

    /// <summary>Largest integer not above this value.</summary>
    public DecimalValue Floor() => Round(up: false);

    private DecimalValue Round(bool up)
    {
        if (IsInteger) return this;
        var div = BigInteger.Pow(10, -Exponent);
        var q = BigInteger.DivRem(Mantissa, div, out var r);
        if (!r.IsZero && up == (Mantissa.Sign > 0)) q += Mantissa.Sign;
        return Normalize(q, 0);
    }

    public DecimalValue AddInteger(int delta) => IsInteger ? Normalize(Mantissa * BigInteger.Pow(10, Exponent) + delta, 0) : throw new InvalidOperationException("not an integer");

    /// <summary>Digits of the integer part ("0" below one) and of the fraction (no trailing zeros) of |value|.</summary>
    public (string Int, string Frac) Digits()
    {
        var m = BigInteger.Abs(Mantissa);
        if (m.IsZero) return ("0", "");
        if (Exponent >= 0)
        {
            if (Exponent > MaxDigits) throw new OverflowException();
            return (m.ToString(CultureInfo.InvariantCulture) + new string('0', Exponent), "");
        }
        var s = m.ToString(CultureInfo.InvariantCulture);
        var fracLen = -Exponent;
        if (fracLen > MaxDigits) throw new OverflowException();
        if (s.Length <= fracLen) return ("0", s.PadLeft(fracLen, '0'));
        return (s[..^fracLen], s[^fracLen..]);
    }

    public override string ToString()
    {
        var (i, f) = Digits();
        return (IsNegative ? "-" : "") + i + (f.Length > 0 ? "." + f : "");
    }
}
