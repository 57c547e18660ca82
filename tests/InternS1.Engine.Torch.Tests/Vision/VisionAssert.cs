namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>Element-wise closeness with the first offending index in the message.</summary>
internal static class VisionAssert
{
    public static void Close(double[] expected, double[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var n = 0; n < expected.Length; n++)
        {
            var diff = Math.Abs(expected[n] - actual[n]);
            if (!(diff <= atol + rtol * Math.Abs(expected[n])))
                Assert.Fail($"{what}: element {n} expected {expected[n]:G9}, got {actual[n]:G9} (diff {diff:G3})");
        }
    }

    /// <summary>Relative RMS error ||a - e|| / ||e||, for low-precision comparisons.</summary>
    public static double RelativeRms(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double num = 0, den = 0;
        for (var n = 0; n < expected.Length; n++)
        {
            num += (expected[n] - actual[n]) * (expected[n] - actual[n]);
            den += expected[n] * expected[n];
        }
        return Math.Sqrt(num / den);
    }
}
