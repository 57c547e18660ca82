namespace InternS1.Media.Video;

/// <summary>
/// Uniform frame sampling, the rule of the Hugging Face reference (<c>InternS1VideoProcessor.sample_frames</c>):
/// <c>indices = arange(shift, total, total/n).int()</c> with <c>shift = total/n/2</c> when <c>initial_shift</c> is
/// true (the middle of each of n equal segments), 0 when false, or the configured number of frames.
/// With the default shift this is computed exactly as <c>floor(total*(2k+1) / (2n))</c>, k = 0..n-1.
/// NOTE: LMDeploy samples <c>linspace(0, total-1, n)</c> instead (first and last frame included); we follow the HF
/// processor because it is the reference for every other preprocessing step. When n &gt; total, all frames are used
/// (the reference raises an error instead).
/// </summary>
public static class VideoFrameSampler
{
    /// <summary>Frame indices (ascending, distinct, &lt; <paramref name="totalFrames"/>).</summary>
    /// <param name="totalFrames">Frames in the video.</param>
    /// <param name="numFrames">Frames wanted (clamped to <paramref name="totalFrames"/>).</param>
    /// <param name="shiftFrames">Offset of the first sample in frames; null = half a step (HF <c>initial_shift: true</c>).</param>
    public static int[] SampleIndices(int totalFrames, int numFrames, double? shiftFrames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numFrames, 1);
        var n = Math.Min(numFrames, totalFrames);
        var indices = new int[n];
        if (shiftFrames is null)
        {
            for (var k = 0; k < n; k++) indices[k] = (int)((long)totalFrames * (2 * k + 1) / (2L * n));
            return indices;
        }
        var step = (double)totalFrames / n;
        var count = 0;
        for (var k = 0; k < n; k++)
        {
            var v = shiftFrames.Value + k * step;
            if (v >= totalFrames) break;
            indices[count++] = (int)Math.Max(0, Math.Floor(v));
        }
        return indices[..count];
    }
}
