namespace InternS1.Engine.Tests.Doubles;

/// <summary>
/// The test runner's token pattern, and a naive generator of whole outputs from plain lists (the
/// independent expectation: no blocks, no scheduler). Output token k of a prompt is EOS when k
/// equals the prompt's target length, else 100 + a hash of the whole sequence so far mod 900.
/// </summary>
public static class PatternReference
{
    /// <summary>The token sampled after <paramref name="sequence"/> (prompt = its first <paramref name="promptLength"/> ids).</summary>
    public static int NextToken(IReadOnlyList<int> sequence, int promptLength, long seed)
    {
        var k = sequence.Count - promptLength;
        if (k == TargetLength(sequence.Take(promptLength), seed)) return PatternRunner.Eos;
        ulong h = 1469598103934665603UL ^ (ulong)seed;
        foreach (var t in sequence) h = (h ^ (uint)t) * 1099511628211UL;
        return 100 + (int)(h % 900);
    }

    /// <summary>Output tokens before EOS: 2..10, from the prompt and seed.</summary>
    public static int TargetLength(IEnumerable<int> prompt, long seed) => 2 + (int)((prompt.Sum(t => (long)t) + seed) % 9);

    /// <summary>What the engine should output for a prompt: tokens up to and including EOS (when
    /// <paramref name="stopAtEos"/>) or <paramref name="maxNewTokens"/>.</summary>
    public static List<int> Expected(IReadOnlyList<int> prompt, long seed, int maxNewTokens, bool stopAtEos = true)
    {
        var sequence = prompt.ToList();
        var output = new List<int>();
        while (output.Count < maxNewTokens)
        {
            var token = NextToken(sequence, prompt.Count, seed);
            output.Add(token);
            sequence.Add(token);
            if (stopAtEos && token == PatternRunner.Eos) break;
        }
        return output;
    }
}
