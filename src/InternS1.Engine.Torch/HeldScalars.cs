using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch;

/// <summary>TorchSharp scalars that stay alive until the native call reading them has returned, and the few tensor
/// operations that need one.</summary>
/// <remarks>
/// NOTE: TorchSharp (0.107) frees a <see cref="Scalar"/>'s native value in its finalizer and does not keep a scalar
/// argument alive across the native call that reads it. A temporary one (an implicit conversion such as <c>x * 0.5</c>,
/// <c>x + eps</c> or <c>masked_fill(m, 0f)</c>, or the alpha of 1 that <c>Tensor.add(Tensor)</c> and so the <c>+</c>
/// operator create inside TorchSharp) is unreachable during that call, and a garbage collection then (any thread
/// allocating is enough) may finalize it mid-call: the op fails with "Unknown scalar type" / "Expected false to be
/// true" from c10::Scalar, or reads freed memory. Reproduced with the shipped runtime settings (tiered compilation
/// on) in a loop with a second thread allocating: 24 failures in 431,225 <c>x + y</c> and 15 in 283,959 <c>x * 0.5</c>
/// within 10 s each, none in 272,121 <c>x.mul(held)</c>. Code that calls TorchSharp passes scalars held in a static
/// field here or in a <c>using</c> local (alive until its Dispose, after the call); <c>TemporaryScalarTests</c> scans the
/// compiled assemblies for any other use.
/// </remarks>
public static class HeldScalars
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>The integer 1 (also every <c>alpha</c> of an addition).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 2.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>float32 negative infinity (masked logits).</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/> (what the <c>+</c> operator computes, with a held alpha).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><paramref name="a"/> + <paramref name="value"/>.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    /// <summary><paramref name="a"/> - <paramref name="value"/> (integer).</summary>
    public static Tensor Minus(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.sub(s);
    }

    /// <summary><paramref name="a"/> x <paramref name="value"/>.</summary>
    public static Tensor Times(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary><paramref name="a"/> x <paramref name="value"/> (integer).</summary>
    public static Tensor Times(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary><paramref name="a"/> / <paramref name="value"/>.</summary>
    public static Tensor Over(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.div(s);
    }

    /// <summary><paramref name="a"/> / <paramref name="value"/> (integer), rounded down.</summary>
    public static Tensor FloorDivide(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.div(s, RoundingMode.floor);
    }

    /// <summary>int64 [<paramref name="start"/>, <paramref name="stop"/>) on <paramref name="device"/>.</summary>
    public static Tensor Arange(long start, long stop, Device? device = null)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        return torch.arange(first, end, One, ScalarType.Int64, device);
    }

    /// <summary>int64 [0, <paramref name="stop"/>) on <paramref name="device"/>.</summary>
    public static Tensor Arange(long stop, Device? device = null) => Arange(0, stop, device);
}
