namespace InternS1.Engine.Torch.Sampling;

/// <summary>
/// The random draw of one sampled token: a uniform number in [0, 1) that depends only on the
/// request's seed and the index of the output token (SplitMix64 finaliser over both), so a
/// request's tokens do not depend on its batch neighbours, on step boundaries or on preemption.
/// </summary>
public static class SamplingRandom
{
    /// <summary>Uniform in [0, 1) with 53 random bits, for output token <paramref name="outputIndex"/> of a request seeded <paramref name="seed"/>.</summary>
    public static double Uniform(long seed, int outputIndex)
    {
        var z = Mix((ulong)seed ^ 0x5DEECE66DUL);
        z = Mix(z + 0x9E3779B97F4A7C15UL * ((ulong)(uint)outputIndex + 1));
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
